using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Persona.Models.Artifacts;
using Persona.Models.Registry;
using Persona.Serving.Segments;

namespace Persona.Server.Tests;

/// <summary>Segments over the real service: rules, membership on every event, backfill, persistence, the change stream, export, churn warning, discovery and coupons.</summary>
public sealed class SegmentsApiTests
{
    private const string Items = """[{"itemId":"lip","categoryPath":["Beauty","Makeup","Lips"],"brand":"Acme","price":12},{"itemId":"book","categoryPath":["Books"],"brand":"Pen","price":30}]""";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PutSegment_ExampleRule_201ThenReplaced200AndListed()
    {
        await using var server = await TestServer.StartAsync();
        var created = await Put(server, "loyal-at-risk", "rfm.frequency >= 2 and lifecycle == \"at-risk\"");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/segments/loyal-at-risk", created.Headers.Location?.OriginalString);
        var replaced = await Put(server, "loyal-at-risk", "rfm.frequency >= 3");
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var one = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/loyal-at-risk", UriKind.Relative));
        Assert.Equal("rfm.frequency >= 3", one.GetProperty("rule").GetString());
        var list = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments", UriKind.Relative));
        Assert.Equal("loyal-at-risk", list.GetProperty("segments").EnumerateArray().Single().GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync(new Uri("/v1/segments/loyal-at-risk", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(new Uri("/v1/segments/loyal-at-risk", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Membership_EventsEnterThenLeave_ChangesInOrderWithoutGaps()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        Assert.Equal(HttpStatusCode.Created, (await Put(server, "one-purchase", "rfm.frequency == 1")).StatusCode);
        await WaitBackfilled(server, "one-purchase");
        var t = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();

        await PostEvents(server, Purchase("p1", "alice", t));
        await Eventually(async () => (await SegmentsOf(server, "alice")).SequenceEqual(["one-purchase"]));
        await PostEvents(server, Purchase("p2", "alice", t + 1000));
        await Eventually(async () => (await SegmentsOf(server, "alice")).Count == 0);

        var changes = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/changes?after=0", UriKind.Relative));
        var list = changes.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal([1L, 2L], list.Select(c => c.GetProperty("seq").GetInt64()));
        Assert.Equal(["enter", "leave"], list.Select(c => c.GetProperty("change").GetString()));
        Assert.All(list, c => Assert.Equal("alice", c.GetProperty("userId").GetString()));
        Assert.True(list[1].GetProperty("logPosition").GetInt64() > list[0].GetProperty("logPosition").GetInt64());
        Assert.Equal(2, changes.GetProperty("next").GetInt64());
        Assert.False(changes.GetProperty("missed").GetBoolean());

        var afterFirst = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/changes?after=1", UriKind.Relative));
        Assert.Equal(2, afterFirst.GetProperty("changes").EnumerateArray().Single().GetProperty("seq").GetInt64());
        var none = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/changes?after=2&waitMs=50", UriKind.Relative));
        Assert.Empty(none.GetProperty("changes").EnumerateArray());
        Assert.Equal(2, none.GetProperty("next").GetInt64());
    }

    [Fact]
    public async Task Membership_DissatisfiedRule_ReviewTextScoredAtIngestDecidesTheMember()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        Assert.Equal(HttpStatusCode.Created, (await Put(server, "dissatisfied", "satisfaction.level == \"dissatisfied\"")).StatusCode);
        await WaitBackfilled(server, "dissatisfied");
        var t = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();

        await PostEvents(server, string.Join('\n',
            $$"""{"eventId":"r1","type":"review","userId":"bob","itemId":"lip","timestamp":{{t}},"text":"Terrible. It broke in a week, junk, returned it."}""",
            $$"""{"eventId":"r2","type":"review","userId":"carol","itemId":"lip","timestamp":{{t}},"text":"Excellent colour, I love it!"}"""));

        await Eventually(async () => (await SegmentsOf(server, "bob")).SequenceEqual(["dissatisfied"]));
        Assert.Empty(await SegmentsOf(server, "carol"));
        var bob = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/users/bob/profile", UriKind.Relative));
        var satisfaction = bob.GetProperty("satisfaction");
        Assert.True(satisfaction.GetProperty("score").GetDouble() < -0.5);
        Assert.Equal((1, "dissatisfied"), (satisfaction.GetProperty("signals").GetInt64(), satisfaction.GetProperty("level").GetString()));
        var carol = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/users/carol/profile", UriKind.Relative));
        Assert.Equal("satisfied", carol.GetProperty("satisfaction").GetProperty("level").GetString());
    }

    [Fact]
    public async Task Membership_DomainAndPlatformRule_OnlyUsersActiveThereEnter()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        Assert.Equal(HttpStatusCode.Created, (await Put(server, "fashion-app", "domains.fashion >= 1 and platforms.app >= 1")).StatusCode);
        await WaitBackfilled(server, "fashion-app");
        var t = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();

        await PostEvents(server, string.Join('\n',
            $$"""{"eventId":"d1","type":"view","userId":"fay","itemId":"lip","timestamp":{{t}},"domain":"fashion","platform":"app"}""",
            $$"""{"eventId":"d2","type":"view","userId":"gus","itemId":"lip","timestamp":{{t}},"domain":"fashion","platform":"web"}""",
            $$"""{"eventId":"d3","type":"view","userId":"hal","itemId":"lip","timestamp":{{t}},"domain":"electronics","platform":"app"}"""));

        await Eventually(async () => (await SegmentsOf(server, "fay")).SequenceEqual(["fashion-app"]));
        Assert.Empty(await SegmentsOf(server, "gus"));
        Assert.Empty(await SegmentsOf(server, "hal"));
        var fay = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/users/fay/profile", UriKind.Relative));
        Assert.Equal(1, fay.GetProperty("domains").GetProperty("fashion").GetInt64());
        Assert.Equal(1, fay.GetProperty("platforms").GetProperty("app").GetInt64());
    }

    [Theory]
    [InlineData("rfm.frequency >= 2 and lifecycle == \"at-risk\"", true, "rfm.frequency,lifecycle", null)]
    [InlineData("rfm.frequency >= ", false, "", 18)]
    [InlineData("satisfaction.level === 1", false, "", 22)]
    public async Task Validate_Rule_ValidWithItsPathsOrTheFaultAtItsCharacter(string rule, bool valid, string paths, int? position)
    {
        await using var server = await TestServer.StartAsync();

        var check = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/validate?rule=" + Uri.EscapeDataString(rule), UriKind.Relative));

        Assert.Equal(valid, check.GetProperty("valid").GetBoolean());
        Assert.Equal(paths, string.Join(',', check.GetProperty("paths").EnumerateArray().Select(p => p.GetString())));
        Assert.Equal(position, check.TryGetProperty("position", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null);
        Assert.Equal(valid, !check.TryGetProperty("error", out var error) || error.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Validate_NoRule_400ProblemAndTheNameReserved()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client.GetAsync(new Uri("/v1/segments/validate", UriKind.Relative));
        using var named = await Put(server, "validate", "rfm.frequency >= 1");

        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Equal(HttpStatusCode.BadRequest, named.StatusCode);
        Assert.Contains("name: 'validate' is reserved", await named.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_LongPoll_AnsweredByTheNextChange()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        await Put(server, "viewers", "counters.view.total >= 1");
        await WaitBackfilled(server, "viewers");
        var poll = server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/changes?after=0&waitMs=30000", UriKind.Relative));
        await PostEvents(server, $$"""{"eventId":"v1","type":"view","userId":"bob","itemId":"lip","timestamp":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}}""");
        var page = await poll;
        Assert.Equal("bob", page.GetProperty("changes")[0].GetProperty("userId").GetString());
    }

    [Fact]
    public async Task PutSegment_ExistingUsers_BackfilledOffTheRequest()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        var t = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
        await PostEvents(server, string.Join('\n', Enumerable.Range(0, 30).Select(i => Purchase($"b{i}", $"user{i:D2}", t + i, i % 2 == 0 ? "lip" : "book"))));

        await Put(server, "beauty", "interests.categories == null or rfm.monetary < 20");
        var info = await WaitBackfilled(server, "beauty");

        Assert.Equal(15, info.GetProperty("members").GetInt32()); // the lip buyers spent 12
        Assert.Equal(["beauty"], await SegmentsOf(server, "user00"));
        Assert.Empty(await SegmentsOf(server, "user01"));
    }

    [Fact]
    public async Task Members_Pages_StableOrdinalOrderAndCursor()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        var t = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
        await PostEvents(server, string.Join('\n', new[] { "e", "B", "a", "c", "d" }.Select((u, i) => Purchase($"m{i}", u, t + i))));
        await Put(server, "buyers", "rfm.frequency >= 1");
        await WaitBackfilled(server, "buyers");

        var pages = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await server.Client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/segments/buyers/members?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", UriKind.Relative));
            pages.Add(page);
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Equal(5, p.GetProperty("count").GetInt32()));
        Assert.Equal(["B", "a", "c", "d", "e"], pages.SelectMany(p => p.GetProperty("members").EnumerateArray().Select(m => m.GetString()!)));
        var afterUnknown = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/buyers/members?cursor=b", UriKind.Relative));
        Assert.Equal(["c", "d", "e"], afterUnknown.GetProperty("members").EnumerateArray().Select(m => m.GetString()!));
    }

    [Fact]
    public async Task Segments_Restart_DefinitionsReloadedAndMembersRebuilt()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await TestServer.StartAsync(dataDir: dir))
            {
                await PostItems(first);
                await PostEvents(first, Purchase("r1", "carol", DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds()));
                await Put(first, "buyers", "rfm.frequency >= 1");
                await WaitBackfilled(first, "buyers");
            }

            Assert.True(File.Exists(Path.Combine(dir, SegmentFile.FileName)));
            Assert.False(File.Exists(Path.Combine(dir, SegmentFile.FileName + ".tmp")));
            await using var second = await TestServer.StartAsync(dataDir: dir);
            var info = await WaitBackfilled(second, "buyers");
            Assert.Equal("rfm.frequency >= 1", info.GetProperty("rule").GetString());
            Assert.Equal(1, info.GetProperty("members").GetInt32());
            Assert.Equal(["buyers"], await SegmentsOf(second, "carol"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Segment_ModelScoreRule_SeesPredictions()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var registry = new ModelRegistry(Path.Combine(dir, "models"));
        var churn = TestModels.AddFeatureModel(registry, FeatureModelArtifact.ChurnKind, ["Beauty", "Books"], seed: 2);
        try
        {
            await using var server = await TestServer.StartAsync(dataDir: dir);
            await PostItems(server);
            await Put(server, "scored", "churnRisk >= 0");
            await Put(server, "impossible", "churnRisk > 1");
            var t = DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeMilliseconds();
            await PostEvents(server, Purchase("s1", "dan", t) + "\n" + Purchase("s2", "erin", t + 1000, "book"));
            await Eventually(async () => (await SegmentsOf(server, "dan")).SequenceEqual(["scored"]) && (await SegmentsOf(server, "erin")).SequenceEqual(["scored"]));

            var atRisk = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/churn/at-risk?limit=1", UriKind.Relative));
            Assert.Equal("model", atRisk.GetProperty("source").GetString());
            Assert.Equal(churn.Version, atRisk.GetProperty("modelVersion").GetString());
            Assert.Equal(2, atRisk.GetProperty("customers").GetInt32());
            Assert.Single(atRisk.GetProperty("users").EnumerateArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ChurnAtRisk_NoModel_RankedByRiskTimesSpendWithReasons()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        var now = DateTimeOffset.UtcNow;
        long Days(double d) => now.AddDays(-d).ToUnixTimeMilliseconds();

        // "old": first seen and buying 77, 65, 53 days ago, then nothing (every 12 days, 53 overdue); "fresh" bought yesterday.
        await PostEvents(server, Purchase("o1", "old", Days(77)));
        await PostEvents(server, Purchase("o2", "old", Days(65)));
        await PostEvents(server, Purchase("o3", "old", Days(53)));
        await PostEvents(server, Purchase("f1", "fresh", Days(1), "book"));

        var report = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/churn/at-risk?limit=10", UriKind.Relative));
        Assert.Equal("recency", report.GetProperty("source").GetString());
        var users = report.GetProperty("users").EnumerateArray().ToList();
        Assert.Equal(["old", "fresh"], users.Select(u => u.GetProperty("userId").GetString()));
        Assert.Equal(36, users[0].GetProperty("value").GetDouble());
        Assert.Equal("no purchase for 53 days, usually every 12", users[0].GetProperty("reasons")[0].GetString());
        Assert.True(users[0].GetProperty("churnRisk").GetDouble() > 0.98);
    }

    [Fact]
    public async Task Export_CsvAndJson_EscapedAndComplete()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        var t = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
        await PostEvents(server, Purchase("x1", "plain", t) + "\n" + Purchase("x2", "comma,\\\"quote", t + 1));
        await Put(server, "buyers", "rfm.frequency >= 1");
        await WaitBackfilled(server, "buyers");

        var csv = await server.Client.GetAsync(new Uri("/v1/segments/buyers/export?format=csv", UriKind.Relative));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal(SegmentExport.CsvHeader, lines[0]);
        Assert.StartsWith("\"comma,\"\"quote\",new,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("plain,new,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",1,12,1,category:Beauty,brand:Acme", lines[2], StringComparison.Ordinal);
        Assert.Equal("", lines[3]);
        Assert.Equal(4, lines.Length);

        var json = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/buyers/export?format=json", UriKind.Relative));
        Assert.Equal(2, json.GetProperty("count").GetInt32());
        Assert.Equal("comma,\"quote", json.GetProperty("members")[0].GetProperty("userId").GetString());
    }

    [Fact]
    public async Task Coupons_Budget_ExpectedCostWithinIt()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        var t = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeMilliseconds();
        await PostEvents(server, string.Join('\n', Enumerable.Range(0, 40).Select(i => Purchase($"c{i}", $"cust{i:D2}", t + i, i % 3 == 0 ? "book" : "lip"))));
        await Put(server, "book-buyers", "rfm.monetary >= 30");
        await WaitBackfilled(server, "book-buyers");

        foreach (var (budget, segment) in new[] { (5.0, (string?)null), (40.0, null), (1e6, null), (40.0, "book-buyers") })
        {
            var body = JsonSerializer.Serialize(new { budget, discounts = new[] { 0.05, 0.1, 0.2 }, segment });
            var response = await server.Client.PostAsync(new Uri("/v1/marketing/coupons", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var plan = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(plan.GetProperty("expectedCost").GetDouble() <= budget);
            Assert.Equal("heuristic", plan.GetProperty("propensity").GetString());
            Assert.Equal(segment is null ? 40 : 14, plan.GetProperty("candidates").GetInt32());
            Assert.True(plan.GetProperty("coupons").GetInt32() > 0);
        }
    }

    [Fact]
    public async Task Coupons_CustomersWithoutMarketingConsent_NoCouponAndCounted()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        var t = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeMilliseconds();
        await PostEvents(server, string.Join('\n', Enumerable.Range(0, 10).Select(i => Purchase($"k{i}", $"cust{i:D2}", t + i))));
        var users = """[{"userId":"cust00","consent":{"marketing":false}},{"userId":"cust01","consent":{"marketing":false,"profiling":true}},{"userId":"cust02","consent":{"marketing":true}}]""";
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/users", UriKind.Relative), new StringContent(users, Encoding.UTF8, "application/json"))).StatusCode);

        var body = JsonSerializer.Serialize(new { budget = 1e6, discounts = new[] { 0.1 } });
        var response = await server.Client.PostAsync(new Uri("/v1/marketing/coupons", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        var plan = await response.Content.ReadFromJsonAsync<JsonElement>();
        var awarded = plan.GetProperty("awards").EnumerateArray().Select(a => a.GetProperty("userId").GetString()).ToList();

        Assert.Equal((8, 2), (plan.GetProperty("candidates").GetInt32(), plan.GetProperty("withheldForConsent").GetInt32()));
        Assert.DoesNotContain("cust00", awarded);
        Assert.DoesNotContain("cust01", awarded);
        Assert.Contains("cust02", awarded);
    }

    [Fact]
    public async Task Discovery_RfmAndClusters_Summaries()
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        var t = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeMilliseconds();
        await PostEvents(server, string.Join('\n', Enumerable.Range(0, 12).Select(i => Purchase($"d{i}", $"u{i:D2}", t + i, i % 2 == 0 ? "book" : "lip"))));
        await PostEvents(server, string.Join('\n', Enumerable.Range(0, 8).Select(i => $$"""{"eventId":"dv{{i}}","type":"view","userId":"v{{i}}","itemId":"lip","timestamp":{{t + 100 + i}}}""")));

        var rfm = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/discovery/rfm", UriKind.Relative));
        Assert.Equal(12, rfm.GetProperty("customers").GetInt32());
        Assert.Equal(12, rfm.GetProperty("cells").EnumerateArray().Sum(c => c.GetProperty("customers").GetInt32()));

        var a = await server.Client.GetStringAsync(new Uri("/v1/discovery/clusters?k=3&seed=5", UriKind.Relative));
        var b = await server.Client.GetStringAsync(new Uri("/v1/discovery/clusters?k=3&seed=5", UriKind.Relative));
        Assert.Equal(a, b);
        var clusters = JsonDocument.Parse(a).RootElement;
        Assert.Equal(20, clusters.GetProperty("users").GetInt32());
        Assert.Equal(20, clusters.GetProperty("clusters").EnumerateArray().Sum(c => c.GetProperty("size").GetInt32()));
    }

    public static TheoryData<string, string, string?, HttpStatusCode, string> BadRequests => new()
    {
        { "PUT", "/v1/segments/Bad%20Name", """{"rule":"eventCount > 1"}""", HttpStatusCode.BadRequest, "name: must start with a lower-case letter or a digit" },
        { "PUT", "/v1/segments/a.b", """{"rule":"eventCount > 1"}""", HttpStatusCode.BadRequest, "name: '.' is not allowed" },
        { "PUT", "/v1/segments/" + new string('a', 65), """{"rule":"eventCount > 1"}""", HttpStatusCode.BadRequest, "name: longer than 64 characters" },
        { "PUT", "/v1/segments/changes", """{"rule":"eventCount > 1"}""", HttpStatusCode.BadRequest, "name: 'changes' is reserved" },
        { "PUT", "/v1/segments/s", """{"rule":"eventCount >> 1"}""", HttpStatusCode.BadRequest, "at character" },
        { "PUT", "/v1/segments/s", """{"rule":"rfm.frequency >= 2 and"}""", HttpStatusCode.BadRequest, "\"position\":" },
        { "PUT", "/v1/segments/s", """{"rules":"eventCount > 1"}""", HttpStatusCode.BadRequest, "rule: missing" },
        { "PUT", "/v1/segments/s", """{"rule":""", HttpStatusCode.BadRequest, "body: invalid JSON" },
        { "PUT", "/v1/segments/s", "", HttpStatusCode.BadRequest, "body: empty" },
        { "PUT", "/v1/segments/s", """{"rule":42}""", HttpStatusCode.BadRequest, "body: invalid JSON" },
        { "PUT", "/v1/segments/s", "{\"rule\":\"" + new string('(', 5000) + "\"}", HttpStatusCode.BadRequest, "longer than 4096 characters" },
        { "PUT", "/v1/segments/s", "{\"rule\":\"" + new string('x', 70_000) + "\"}", HttpStatusCode.RequestEntityTooLarge, "body: larger than 65536 bytes" },
        { "GET", "/v1/segments/nope", null, HttpStatusCode.NotFound, "name: no segment 'nope'" },
        { "DELETE", "/v1/segments/nope", null, HttpStatusCode.NotFound, "name: no segment 'nope'" },
        { "GET", "/v1/segments/nope/members", null, HttpStatusCode.NotFound, "name: no segment 'nope'" },
        { "GET", "/v1/segments/known/members?limit=0", null, HttpStatusCode.BadRequest, "limit: 0 is outside 1..10000" },
        { "GET", "/v1/segments/known/members?limit=10001", null, HttpStatusCode.BadRequest, "limit: 10001 is outside 1..10000" },
        { "GET", "/v1/segments/known/members?limit=ten", null, HttpStatusCode.BadRequest, "limit: 'ten' is not an integer" },
        { "GET", "/v1/segments/known/members?cursor=", null, HttpStatusCode.BadRequest, "cursor: must be a user id of 1..256 characters" },
        { "GET", "/v1/segments/known/members?cursor=" + new string('u', 257), null, HttpStatusCode.BadRequest, "cursor: must be a user id of 1..256 characters" },
        { "GET", "/v1/segments/nope/export", null, HttpStatusCode.NotFound, "name: no segment 'nope'" },
        { "GET", "/v1/segments/known/export?format=xml", null, HttpStatusCode.BadRequest, "format: 'xml' is not csv or json" },
        { "GET", "/v1/users/nobody/segments", null, HttpStatusCode.NotFound, "userId: no profile for 'nobody'" },
        { "GET", "/v1/segments/changes?after=-1", null, HttpStatusCode.BadRequest, "after: -1 is outside 0.." },
        { "GET", "/v1/segments/changes?after=x", null, HttpStatusCode.BadRequest, "after: 'x' is not an integer" },
        { "GET", "/v1/segments/changes?limit=0", null, HttpStatusCode.BadRequest, "limit: 0 is outside 1..10000" },
        { "GET", "/v1/segments/changes?waitMs=30001", null, HttpStatusCode.BadRequest, "waitMs: 30001 is outside 0..30000" },
        { "GET", "/v1/churn/at-risk?limit=0", null, HttpStatusCode.BadRequest, "limit: 0 is outside 1..1000" },
        { "GET", "/v1/churn/at-risk?limit=1e3", null, HttpStatusCode.BadRequest, "limit: '1e3' is not an integer" },
        { "GET", "/v1/discovery/clusters?k=1", null, HttpStatusCode.BadRequest, "k: 1 is outside 2..20" },
        { "GET", "/v1/discovery/clusters?k=21", null, HttpStatusCode.BadRequest, "k: 21 is outside 2..20" },
        { "GET", "/v1/discovery/clusters?k=5", null, HttpStatusCode.BadRequest, "k: 5 is more than the 1 users with profiles" },
        { "GET", "/v1/discovery/clusters?seed=-1", null, HttpStatusCode.BadRequest, "seed: -1 is outside 0.." },
        { "POST", "/v1/marketing/coupons", "", HttpStatusCode.BadRequest, "body: empty" },
        { "POST", "/v1/marketing/coupons", "{", HttpStatusCode.BadRequest, "body: invalid JSON" },
        { "POST", "/v1/marketing/coupons", """{"discounts":[0.1]}""", HttpStatusCode.BadRequest, "budget: missing" },
        { "POST", "/v1/marketing/coupons", """{"budget":-5,"discounts":[0.1]}""", HttpStatusCode.BadRequest, "budget: must be a number above 0" },
        { "POST", "/v1/marketing/coupons", """{"budget":100}""", HttpStatusCode.BadRequest, "discounts: missing" },
        { "POST", "/v1/marketing/coupons", """{"budget":100,"discounts":[0.1,1.5]}""", HttpStatusCode.BadRequest, "discounts: every level must be a fraction above 0 and at most 0.9" },
        { "POST", "/v1/marketing/coupons", """{"budget":100,"discounts":[0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1]}""", HttpStatusCode.BadRequest, "discounts: at most 10 levels" },
        { "POST", "/v1/marketing/coupons", """{"budget":100,"discounts":[0.1],"elasticity":0}""", HttpStatusCode.BadRequest, "elasticity: must be above 0 and at most 20" },
        { "POST", "/v1/marketing/coupons", """{"budget":100,"discounts":[0.1],"limit":-1}""", HttpStatusCode.BadRequest, "limit: -1 is outside 0..100000" },
        { "POST", "/v1/marketing/coupons", """{"budget":100,"discounts":[0.1],"segment":"nope"}""", HttpStatusCode.NotFound, "name: no segment 'nope'" },
        { "POST", "/v1/marketing/coupons", """{"budget":"lots","discounts":[0.1]}""", HttpStatusCode.BadRequest, "body: invalid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task SegmentEndpoints_BadInput_ProblemNamingIt(string method, string path, string? body, HttpStatusCode status, string message)
    {
        await using var server = await TestServer.StartAsync();
        await PostItems(server);
        await PostEvents(server, Purchase("k1", "known-user", DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds()));
        Assert.Equal(HttpStatusCode.Created, (await Put(server, "known", "eventCount >= 1")).StatusCode);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await server.Client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var list = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments", UriKind.Relative));
        Assert.Equal(["known"], list.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task PutSegment_RulePositionReported_ProblemHasIt()
    {
        await using var server = await TestServer.StartAsync();
        var response = await Put(server, "s", "rfm.frequency >> 2");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rule: expected a number, a \"string\", true, false or null, found '>' at character 16", problem.GetProperty("detail").GetString());
        Assert.Equal(16, problem.GetProperty("position").GetInt32());
    }

    private static Task<HttpResponseMessage> Put(TestServer server, string name, string rule) =>
        server.Client.PutAsync(new Uri($"/v1/segments/{name}", UriKind.Relative), new StringContent(JsonSerializer.Serialize(new { rule }), Encoding.UTF8, "application/json"));

    private static async Task PostItems(TestServer server) =>
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/items", UriKind.Relative), new StringContent(Items, Encoding.UTF8, "application/json"))).StatusCode);

    private static async Task PostEvents(TestServer server, string ndjson)
    {
        var response = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(0, JsonDocument.Parse(body).RootElement.GetProperty("rejected").GetInt32());
    }

    private static string Purchase(string id, string user, long t, string item = "lip") =>
        $$"""{"eventId":"{{id}}","type":"purchase","userId":"{{user}}","itemId":"{{item}}","timestamp":{{t}},"price":{{(item == "lip" ? 12 : 30)}},"quantity":1}""";

    private static async Task<List<string>> SegmentsOf(TestServer server, string user)
    {
        var answer = await server.Client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/users/{Uri.EscapeDataString(user)}/segments", UriKind.Relative));
        return [.. answer.GetProperty("segments").EnumerateArray().Select(s => s.GetString()!)];
    }

    private static async Task<JsonElement> WaitBackfilled(TestServer server, string name)
    {
        JsonElement info = default;
        await Eventually(async () =>
        {
            info = await server.Client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/segments/{name}", UriKind.Relative));
            return info.GetProperty("backfillComplete").GetBoolean();
        });
        return info;
    }

    /// <summary>Waits for a condition, checking every 20 ms, for a minute at most (a loaded machine is slow, never wrong).</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "the condition did not hold within a minute");
            await Task.Delay(20);
        }
    }
}
