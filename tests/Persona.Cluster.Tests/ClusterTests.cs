using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Persona.Cluster.Following;
using Persona.Cluster.Grains;
using Persona.Serving.Access;
using Persona.Storage.Redis;
using Persona.Storage.TestKit;
using Persona.TestData;

namespace Persona.Cluster.Tests;

/// <summary>Two silos in this process over one real redis-server: the cluster behaves as one store.</summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private RedisServer _redis = null!;
    private TestSilo _a = null!;
    private TestSilo _b = null!;

    public async Task InitializeAsync()
    {
        _redis = RedisServer.Start();
        _a = await TestSilo.StartAsync(_redis.Endpoint);
        _b = await TestSilo.StartAsync(_redis.Endpoint);
    }

    /// <summary>Polls <paramref name="probe"/> every 100 ms for up to 10 s until it gives a value.</summary>
    private static async Task<string?> Eventually(Func<Task<string?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        return null;
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public void Ingest_BatchesOnBothSilos_EveryProfileEqualsTheSingleNodeReference()
    {
        var (shop, events) = StoreTestData.Shop(Start, users: 150, events: 6_000);
        _a.Store.UpsertItems(StoreTestData.Batch(shop.Catalog));
        var chunks = events.Chunk(500).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            var result = (i % 2 == 0 ? _a : _b).Store.Ingest(StoreTestData.Batch(chunks[i]));
            Assert.Equal(chunks[i].Length, result.Accepted);
        }

        var reference = StoreTestData.Reference(_a.Store.Engine, shop.Catalog, events);
        StoreTestData.AssertProfiles(_a.Store, reference);
        StoreTestData.AssertProfiles(_b.Store, reference);
    }

    [Fact]
    public void Ingest_SameBatchResentToTheOtherSilo_CountsEveryEventOnce()
    {
        var (shop, events) = StoreTestData.Shop(Start, users: 40, events: 800);
        _a.Store.UpsertItems(StoreTestData.Batch(shop.Catalog));
        var first = _a.Store.Ingest(StoreTestData.Batch(events));
        var again = _b.Store.Ingest(StoreTestData.Batch(events));

        Assert.Equal((800, 0), (first.Accepted, first.Duplicate));
        Assert.Equal((0, 800), (again.Accepted, again.Duplicate));
        StoreTestData.AssertProfiles(_b.Store, StoreTestData.Reference(_a.Store.Engine, shop.Catalog, events));
    }

    [Fact]
    public async Task MergedLog_EventsIngestedOnOneSilo_ReachTheOtherSilosFollowersWithinASecond()
    {
        var (shop, events) = StoreTestData.Shop(Start, users: 30, events: 400);
        _a.Store.UpsertItems(StoreTestData.Batch(shop.Catalog));
        _a.Store.Ingest(StoreTestData.Batch(events));
        var merged = _b.Services.GetRequiredService<MergedLog>();
        var deadline = DateTime.UtcNow.AddSeconds(1.5);
        while (merged.Head < events.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(events.Count, merged.Head);
        var read = _b.Store.ReadLog(0, 10_000);
        Assert.Equal(events.Select(e => e.EventId).Order(StringComparer.Ordinal), read.Select(e => e.Event.EventId).Order(StringComparer.Ordinal));
        Assert.Equal(shop.Catalog.Count, _b.Store.Catalog.Count);
    }

    [Fact]
    public void Ingest_PartitionFencedByAnotherWriter_SentAgainToANewActivationAndCountedOnce()
    {
        var (shop, events) = StoreTestData.Shop(Start, users: 20, events: 300);
        _a.Store.UpsertItems(StoreTestData.Batch(shop.Catalog));
        var map = _a.Services.GetRequiredService<PartitionMap>();
        var user = events[0].UserId;
        var mine = events.Where(e => e.UserId == user).ToList();
        _a.Store.Ingest(StoreTestData.Batch(mine.Take(1)));

        // Another writer opens the user's partition (a new epoch): the grain's store is now stale, and its
        // refusal of the next part is sent again to a fresh activation, which reopens the store.
        using (RedisProfileStore.Open(new RedisStoreOptions { Configuration = _redis.Endpoint, KeyPrefix = $"persona:p{map.Of(user)}" }, _a.Store.Engine))
        {
        }

        var accepted = _a.Store.Ingest(StoreTestData.Batch(mine.Skip(1)));
        var again = _b.Store.Ingest(StoreTestData.Batch(mine));

        Assert.Equal((mine.Count - 1, 0), (accepted.Accepted, accepted.Duplicate));
        Assert.Equal((0, mine.Count), (again.Accepted, again.Duplicate));
        StoreTestData.AssertProfiles(_a.Store, StoreTestData.Reference(_a.Store.Engine, shop.Catalog, mine));
    }

    [Fact]
    public async Task PostEvents_OnOneSilo_ProfileServedByTheOther()
    {
        var body = """
            {"eventId":"c1","userId":"cu1","type":"view","itemId":"i1","timestamp":"2026-11-02T10:00:00Z"}
            {"eventId":"c2","userId":"cu1","type":"cart_add","itemId":"i1","timestamp":"2026-11-02T10:01:00Z"}
            """;
        using var content = new StringContent(body, Encoding.UTF8, "application/x-ndjson");
        var post = await _a.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), content);
        var profile = await _b.Client.GetAsync(new Uri("/v1/users/cu1/profile", UriKind.Relative));
        var unknown = await _b.Client.GetAsync(new Uri("/v1/users/nobody/profile", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.Contains("\"eventCount\":2", await profile.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task PutSegment_OnOneSilo_DefinedWithItsMembersOnTheOther()
    {
        var body = """
            {"eventId":"s1","userId":"su1","type":"view","itemId":"i1","timestamp":"2026-11-02T10:00:00Z","context":{"device":"probe"}}
            """;
        using var events = new StringContent(body, Encoding.UTF8, "application/x-ndjson");
        Assert.Equal(HttpStatusCode.OK, (await _a.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), events)).StatusCode);
        using var rule = new StringContent("""{"rule":"devices.probe >= 1"}""", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Created, (await _a.Client.PutAsync(new Uri("/v1/segments/probed", UriKind.Relative), rule)).StatusCode);

        var members = await Eventually(async () =>
        {
            var response = await _b.Client.GetAsync(new Uri("/v1/segments/probed/members", UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode && text.Contains("su1", StringComparison.Ordinal) ? text : null;
        });
        Assert.NotNull(members);

        Assert.Equal(HttpStatusCode.NoContent, (await _b.Client.DeleteAsync(new Uri("/v1/segments/probed", UriKind.Relative))).StatusCode);
        var gone = await Eventually(async () =>
            (await _a.Client.GetAsync(new Uri("/v1/segments/probed", UriKind.Relative))).StatusCode == HttpStatusCode.NotFound ? "gone" : null);
        Assert.Equal("gone", gone);
    }

    [Fact]
    public async Task PutExperiment_OnOneSilo_ServedOnBothAndEitherReportCountsEveryAnswer()
    {
        using var experiment = new StringContent(
            """{"variants":[{"name":"control","policy":"popularity"},{"name":"treatment"}]}""", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Created, (await _a.Client.PutAsync(new Uri("/v1/experiments/ab1", UriKind.Relative), experiment)).StatusCode);
        var seen = await Eventually(async () =>
            (await _b.Client.GetAsync(new Uri("/v1/experiments/ab1", UriKind.Relative))).IsSuccessStatusCode ? "running" : null);
        Assert.Equal("running", seen);

        // 20 answers on each silo, to 30 users, 10 of whom are answered on both.
        foreach (var (silo, from) in new[] { (_a, 0), (_b, 10) })
        {
            for (var u = from; u < from + 20; u++)
            {
                var answer = await silo.Client.GetAsync(new Uri($"/v1/users/xu{u}/recommendations?k=5", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            }
        }

        var reports = new List<JsonElement>();
        foreach (var silo in new[] { _a, _b })
        {
            var report = await Eventually(async () =>
            {
                var text = await silo.Client.GetStringAsync(new Uri("/v1/experiments/ab1", UriKind.Relative));
                var variants = JsonDocument.Parse(text).RootElement.GetProperty("variants");
                return variants.EnumerateArray().Sum(v => v.GetProperty("answers").GetInt64()) == 40 ? text : null;
            });
            Assert.NotNull(report);
            reports.Add(JsonDocument.Parse(report).RootElement.GetProperty("variants"));
        }

        foreach (var variants in reports)
        {
            Assert.Equal(30, variants.EnumerateArray().Sum(v => v.GetProperty("users").GetInt64()));
        }

        Assert.Equal(HttpStatusCode.NoContent, (await _b.Client.DeleteAsync(new Uri("/v1/experiments/ab1", UriKind.Relative))).StatusCode);
        var gone = await Eventually(async () =>
            (await _a.Client.GetAsync(new Uri("/v1/experiments/ab1", UriKind.Relative))).StatusCode == HttpStatusCode.NotFound ? "gone" : null);
        Assert.Equal("gone", gone);
    }

    [Fact]
    public async Task PutExperiment_WhileAnotherRunsOnTheOtherSilo_Conflict()
    {
        using var first = new StringContent("""{"variants":[{"name":"a"},{"name":"b"}]}""", Encoding.UTF8, "application/json");
        using var second = new StringContent("""{"variants":[{"name":"a"},{"name":"b"}]}""", Encoding.UTF8, "application/json");

        Assert.Equal(HttpStatusCode.Created, (await _a.Client.PutAsync(new Uri("/v1/experiments/one", UriKind.Relative), first)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _b.Client.PutAsync(new Uri("/v1/experiments/two", UriKind.Relative), second)).StatusCode);
    }

    [Fact]
    public async Task Partitions_ActivatedBeforeTheSecondSiloJoined_SpreadTwoAndTwoOnceMembershipSettles()
    {
        var grains = _a.Services.GetRequiredService<IGrainFactory>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string[] silos = [];
        while (DateTime.UtcNow < deadline)
        {
            silos = await Task.WhenAll(Enumerable.Range(0, 4).Select(async p => (await grains.GetGrain<IPartitionGrain>(p).Status()).Silo));
            if (silos.Distinct().Count() == 2 && silos.CountBy(s => s).All(c => c.Value == 2))
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal([2, 2], silos.CountBy(s => s).Select(c => c.Value));
    }

    [Fact]
    public async Task ApiKey_AddedThroughOneSilo_InForceOnTheOtherWithinASecond()
    {
        var (_, secret) = _a.Services.GetRequiredService<ApiKeys>().Create("cluster reader", [Scopes.Read]);

        var refused = await Eventually(async () =>
            (await _b.Client.GetAsync(new Uri("/v1/users/nobody/profile", UriKind.Relative))).StatusCode == HttpStatusCode.Unauthorized ? "401" : null);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/users/nobody/profile", UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        using var withKey = await _b.Client.SendAsync(request);

        Assert.Equal("401", refused);
        Assert.Equal(HttpStatusCode.NotFound, withKey.StatusCode);
    }

    [Fact]
    public void Start_OtherPartitionCountThanRecorded_Refused()
    {
        var error = Assert.ThrowsAny<Exception>(() => TestSilo.StartAsync(_redis.Endpoint, partitions: 8).GetAwaiter().GetResult());
        Assert.Contains("has 4 partitions", error.ToString(), StringComparison.Ordinal);
    }
}
