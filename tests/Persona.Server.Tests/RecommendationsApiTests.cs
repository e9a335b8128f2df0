using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Persona.Server.Tests;

/// <summary>Recommendations over HTTP: answers, rules, cold start, attribution of clicks, experiments, bad input.</summary>
public sealed class RecommendationsApiTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    internal static async Task Post(TestServer server, string path, string ndjson)
    {
        var posted = await server.Client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
    }

    /// <summary>30 items in three categories (eye9 out of stock); 20 users who view lip0, lip1 and a book; u0 bought lip2.</summary>
    internal static async Task<int> Seed(TestServer server)
    {
        var items = new List<object>();
        for (var i = 0; i < 10; i++)
        {
            items.Add(new { itemId = $"lip{i}", categoryPath = new[] { "Beauty", "Lips" }, brand = "Rouge", price = 10 + i });
            items.Add(new { itemId = $"eye{i}", categoryPath = new[] { "Beauty", "Eyes" }, brand = "Lash", price = 20 + i, inStock = i != 9 });
            items.Add(new { itemId = $"book{i}", categoryPath = new[] { "Books" }, brand = "Press", price = 15 + i });
        }

        await Post(server, "/v1/items", string.Join('\n', items.Select(i => JsonSerializer.Serialize(i))));
        var events = new List<object>();
        for (var u = 0; u < 20; u++)
        {
            events.Add(new { eventId = $"e{u}a", type = "view", userId = $"u{u}", itemId = "lip0", timestamp = T0 + (u * 600_000L) });
            events.Add(new { eventId = $"e{u}b", type = "view", userId = $"u{u}", itemId = "lip1", timestamp = T0 + (u * 600_000L) + 60_000 });
            events.Add(new { eventId = $"e{u}c", type = "view", userId = $"u{u}", itemId = "eye9", timestamp = T0 + (u * 600_000L) + 90_000 });
            events.Add(new { eventId = $"e{u}d", type = "view", userId = $"u{u}", itemId = $"book{u % 10}", timestamp = T0 + (u * 600_000L) + 120_000 });
        }

        events.Add(new { eventId = "buy", type = "purchase", userId = "u0", itemId = "lip2", timestamp = T0 + 200_000, price = 12, quantity = 1 });
        await Post(server, "/v1/events", string.Join('\n', events.Select(e => JsonSerializer.Serialize(e))));
        await UntilIndexed(server, events.Count);
        return events.Count;
    }

    internal static async Task UntilIndexed(TestServer server, long events)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var stats = await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/recommendations/stats", UriKind.Relative));
            if (stats!["eventsIndexed"]!.GetValue<long>() >= events)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the index saw {stats["eventsIndexed"]} of {events} events");
            await Task.Delay(20);
        }
    }

    internal static async Task<JsonObject> Recommend(TestServer server, string user, string query = "")
    {
        var response = await server.Client.GetAsync(new Uri($"/v1/users/{user}/recommendations{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    internal static List<string> Ids(JsonObject answer) => [.. answer["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>())];

    [Fact]
    public async Task GetRecommendations_KnownUser_KDistinctWithReasonsNoPurchasedOrOutOfStock()
    {
        await using var server = await TestServer.StartAsync();
        await Seed(server);
        var answer = await Recommend(server, "u0", "?k=20");
        var ids = Ids(answer);
        Assert.Equal(20, ids.Count);
        Assert.Equal(20, ids.Distinct().Count());
        Assert.DoesNotContain("lip2", ids); // bought
        Assert.DoesNotContain("eye9", ids); // out of stock
        Assert.Equal("u0", answer["userId"]!.GetValue<string>());
        Assert.Equal(32, answer["recommendationId"]!.GetValue<string>().Length);
        Assert.Equal("blend:heuristic", answer["model"]!.GetValue<string>());
        Assert.All(answer["items"]!.AsArray(), i => Assert.NotEmpty(i!["reasons"]!.AsArray()));
    }

    [Fact]
    public async Task GetRecommendations_PageItemInContext_CoViewedItemFirstBecauseOfIt()
    {
        await using var server = await TestServer.StartAsync();
        await Seed(server);
        var answer = await Recommend(server, "stranger", "?k=5&context.item=lip0&exclude=book1,book2");
        Assert.Equal("lip1", Ids(answer)[0]);
        Assert.Contains("because you viewed lip0", answer["items"]![0]!["reasons"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.DoesNotContain("lip0", Ids(answer)); // the page's own item
    }

    [Fact]
    public async Task GetRecommendations_UnknownUser_ColdStartAnswerAdaptsAfterTheFirstEvent()
    {
        await using var server = await TestServer.StartAsync();
        var seeded = await Seed(server);
        var cold = await Recommend(server, "newcomer", "?k=10");
        Assert.Equal(10, Ids(cold).Count);
        await Post(server, "/v1/events", JsonSerializer.Serialize(new { eventId = "n1", type = "view", userId = "newcomer", itemId = "book3", timestamp = T0 + 90_000_000 }));
        await UntilIndexed(server, seeded + 1);
        var warm = await Recommend(server, "newcomer", "?k=10");
        Assert.NotEqual(Ids(cold), Ids(warm));
        Assert.Contains(warm["items"]!.AsArray(), i => i!["reasons"]!.AsArray().Any(r => r!.GetValue<string>().Contains("Books", StringComparison.Ordinal) || r.GetValue<string>().Contains("book3", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task GetRecommendations_CatalogButNoEvents_NewArrivalsFillTheAnswer()
    {
        await using var server = await TestServer.StartAsync();
        var items = Enumerable.Range(0, 15).Select(i => JsonSerializer.Serialize(new { itemId = $"n{i}", categoryPath = new[] { "Home" }, price = 5 + i, inStock = i != 0 }));
        await Post(server, "/v1/items", string.Join('\n', items));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<string> ids;
        do
        {
            ids = Ids(await Recommend(server, "first-visitor", "?k=10"));
            if (ids.Count < 10)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{ids.Count} items after 60 s");
                await Task.Delay(50);
            }
        }
        while (ids.Count < 10);

        Assert.Equal(10, ids.Distinct().Count());
        Assert.DoesNotContain("n0", ids); // out of stock
    }

    [Fact]
    public async Task PostClick_CarryingTheRecommendationId_AttributedAtItsPositionOnce()
    {
        await using var server = await TestServer.StartAsync();
        var seeded = await Seed(server);
        var answer = await Recommend(server, "u5", "?k=5");
        var id = answer["recommendationId"]!.GetValue<string>();
        var third = Ids(answer)[2];
        var click = new { eventId = "click1", type = "click", userId = "u5", itemId = third, timestamp = T0 + 100_000_000, recommendationId = id };
        var again = click with { eventId = "click2" };
        var stranger = click with { eventId = "click3", userId = "u6" };
        await Post(server, "/v1/events", string.Join('\n', new[] { click, again, stranger }.Select(c => JsonSerializer.Serialize(c))));
        await UntilIndexed(server, seeded + 3);
        var stats = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/recommendations/stats", UriKind.Relative)))!;
        Assert.Equal(1, stats["clicks"]!.GetValue<long>());
        Assert.Equal(1, stats["attributed"]!.GetValue<long>());
        Assert.Equal(1, stats["byPosition"]![2]!["clicks"]!.GetValue<long>());
        Assert.Equal(5, stats["impressions"]!.GetValue<long>());
    }

    [Fact]
    public async Task GetRecommendations_Preview_SameAnswerNotLoggedAndClicksNotAttributed()
    {
        await using var server = await TestServer.StartAsync();
        var seeded = await Seed(server);

        var preview = await Recommend(server, "u5", "?k=5&preview=true");
        var shown = await Recommend(server, "u5", "?k=5");
        var click = new { eventId = "pc1", type = "click", userId = "u5", itemId = Ids(preview)[0], timestamp = T0 + 100_000_000, recommendationId = preview["recommendationId"]!.GetValue<string>() };
        await Post(server, "/v1/events", JsonSerializer.Serialize(click));
        await UntilIndexed(server, seeded + 1);

        Assert.Equal(Ids(shown), Ids(preview));
        var stats = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/recommendations/stats", UriKind.Relative)))!;
        Assert.Equal((5L, 0L), (stats["impressions"]!.GetValue<long>(), stats["attributed"]!.GetValue<long>()));
        using var bad = await server.Client.GetAsync(new Uri("/v1/users/u5/recommendations?preview=maybe", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("preview: 'maybe' is not true or false", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecommendations_ContextDomain_OnlyItsItemsAlsoForAUserNewToIt()
    {
        await using var server = await TestServer.StartAsync();
        await Seed(server);
        await Post(server, "/v1/events", JsonSerializer.Serialize(new { eventId = "n1", type = "view", userId = "beauty-only", itemId = "lip3", timestamp = T0 + 90_000_000 }));

        var books = await Recommend(server, "beauty-only", "?k=5&context.domain=Books");
        var beauty = await Recommend(server, "u5", "?k=5&context.domain=Beauty");

        Assert.Equal(5, Ids(books).Count);
        Assert.All(Ids(books), id => Assert.StartsWith("book", id, StringComparison.Ordinal));
        Assert.All(books["items"]!.AsArray(), i => Assert.NotEmpty(i!["reasons"]!.AsArray()));
        Assert.All(Ids(beauty), id => Assert.True(id.StartsWith("lip", StringComparison.Ordinal) || id.StartsWith("eye", StringComparison.Ordinal), id));
    }

    [Fact]
    public async Task Experiments_List_NoneThenTheRunningOne()
    {
        await using var server = await TestServer.StartAsync();
        var none = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/experiments", UriKind.Relative)))!;
        var body = """{"variants":[{"name":"control","weight":1,"policy":"popularity"},{"name":"treatment","weight":1}]}""";
        using var put = await server.Client.PutAsync(new Uri("/v1/experiments/listed", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        var one = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/experiments", UriKind.Relative)))!;

        Assert.Empty(none["experiments"]!.AsArray());
        Assert.Equal("listed", one["experiments"]!.AsArray().Single()!["id"]!.GetValue<string>());
        Assert.Equal(["control", "treatment"], one["experiments"]![0]!["variants"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Experiments_PutRecommendClickGet_ReportPerVariantAndConflictsRefused()
    {
        await using var server = await TestServer.StartAsync();
        var seeded = await Seed(server);
        var body = """{"variants":[{"name":"control","weight":1,"policy":"popularity"},{"name":"treatment","weight":1}]}""";
        var put = await server.Client.PutAsync(new Uri("/v1/experiments/exp1", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var other = await server.Client.PutAsync(new Uri("/v1/experiments/exp2", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        var clicks = new List<string>();
        for (var u = 0; u < 20; u++)
        {
            var answer = await Recommend(server, $"u{u}", "?k=4");
            Assert.NotNull(answer["variant"]);
            clicks.Add(JsonSerializer.Serialize(new { eventId = $"c{u}", type = "click", userId = $"u{u}", itemId = Ids(answer)[0], timestamp = T0 + 100_000_000, recommendationId = answer["recommendationId"]!.GetValue<string>() }));
        }

        await Post(server, "/v1/events", string.Join('\n', clicks));
        await UntilIndexed(server, seeded + 20);
        var report = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/experiments/exp1", UriKind.Relative)))!;
        var variants = report["variants"]!.AsArray();
        Assert.Equal(["control", "treatment"], variants.Select(v => v!["name"]!.GetValue<string>()));
        Assert.Equal(20, variants.Sum(v => v!["users"]!.GetValue<long>()));
        Assert.Equal(20, variants.Sum(v => v!["clicks"]!.GetValue<long>()));
        Assert.Equal(80, variants.Sum(v => v!["itemsShown"]!.GetValue<long>()));
        Assert.Equal(0.25, variants[0]!["clickThroughRate"]!["value"]!.GetValue<double>(), 9);
        Assert.NotNull(variants[1]!["versusControl"]);
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync(new Uri("/v1/experiments/exp1", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(new Uri("/v1/experiments/exp1", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("?k=0", "k:")]
    [InlineData("?k=101", "k:")]
    [InlineData("?k=abc", "k:")]
    [InlineData("?k=-5", "k:")]
    [InlineData("?kk=5", "kk: unknown parameter")]
    [InlineData("?context.=x", "context.:")]
    [InlineData("?context.device=", "context.device:")]
    [InlineData("?context.device=a&context.device=b", "context.device:")]
    public async Task GetRecommendations_BadParameter_400NamingIt(string query, string detail)
    {
        await using var server = await TestServer.StartAsync();
        var response = await server.Client.GetAsync(new Uri($"/v1/users/u1/recommendations{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.StartsWith(detail, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecommendations_TooManyExcluded_400()
    {
        await using var server = await TestServer.StartAsync();
        var ids = string.Join(',', Enumerable.Range(0, 1_001).Select(i => $"i{i}"));
        var response = await server.Client.GetAsync(new Uri($"/v1/users/u1/recommendations?exclude={ids}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("exp1", "{", "Malformed body")]
    [InlineData("exp1", """{"variants":[{"name":"a"}]}""", "Bad experiment")]
    [InlineData("exp1", """{"variants":[{"name":"a","weight":-1},{"name":"b"}]}""", "Bad experiment")]
    [InlineData("exp1", """{"variants":[{"name":"a","policy":"x"},{"name":"b"}]}""", "Bad experiment")]
    [InlineData("bad%20id", """{"variants":[{"name":"a"},{"name":"b"}]}""", "Bad experiment id")]
    public async Task PutExperiment_BadInput_400WithTheProblem(string id, string body, string title)
    {
        await using var server = await TestServer.StartAsync();
        var response = await server.Client.PutAsync(new Uri($"/v1/experiments/{id}", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(title, (await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Restart_AfterClicks_ImpressionsReadBackAndClicksAttributedAgain()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            long seeded;
            await using (var server = await TestServer.StartAsync(dataDir: dir))
            {
                seeded = await Seed(server);
                var answer = await Recommend(server, "u3", "?k=3");
                var click = new { eventId = "click1", type = "click", userId = "u3", itemId = Ids(answer)[1], timestamp = T0 + 100_000_000, recommendationId = answer["recommendationId"]!.GetValue<string>() };
                await Post(server, "/v1/events", JsonSerializer.Serialize(click));
                await UntilIndexed(server, seeded + 1);
            }

            await using var reopened = await TestServer.StartAsync(dataDir: dir);
            await UntilIndexed(reopened, seeded + 1);
            var stats = (await reopened.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/recommendations/stats", UriKind.Relative)))!;
            Assert.Equal(3, stats["impressions"]!.GetValue<long>());
            Assert.Equal(1, stats["byPosition"]![1]!["clicks"]!.GetValue<long>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
