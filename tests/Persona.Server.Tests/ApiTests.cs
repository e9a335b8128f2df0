using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Persona.Server.Tests;

public sealed class ApiTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)] // handlers on the socket I/O thread (serve --inline-io)
    public async Task GetProfile_AfterEvents_ReflectsThemWithExplain(bool inlineIo)
    {
        await using var server = await TestServer.StartAsync(inlineIo: inlineIo);
        var items = """[{"itemId":"lip","categoryPath":["Beauty","Makeup","Lips"],"brand":"Acme","price":12,"tags":["red"]},{"itemId":"tv","categoryPath":"Electronics > TV","brand":"Zen","price":400}]""";
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/items", UriKind.Relative), new StringContent(items, Encoding.UTF8, "application/json"))).StatusCode);
        var t = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
        var events = $$$"""
            {"eventId":"a1","type":"view","userId":"alice","itemId":"lip","timestamp":{{{t}}},"context":{"device":"mobile"}}
            {"eventId":"a2","type":"cart_add","userId":"alice","itemId":"lip","timestamp":{{{t + 1000}}}}
            {"eventId":"a3","type":"purchase","userId":"alice","itemId":"lip","timestamp":{{{t + 2000}}},"price":12,"quantity":2}
            {"eventId":"a4","type":"view","userId":"alice","itemId":"tv","timestamp":{{{t + 3000}}}}
            """;
        var posted = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent(events, Encoding.UTF8, "application/x-ndjson"));
        var result = await posted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(4, result.GetProperty("accepted").GetInt32());

        var profile = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/users/alice/profile?explain=true", UriKind.Relative));
        Assert.Equal(4, profile.GetProperty("eventCount").GetInt64());
        Assert.Equal("category:Beauty", profile.GetProperty("interests").GetProperty("categories")[0].GetProperty("feature").GetString());
        Assert.Equal(24, profile.GetProperty("rfm").GetProperty("monetary").GetDouble());
        Assert.Equal(1, profile.GetProperty("devices").GetProperty("mobile").GetInt64());
        Assert.Equal("tv", profile.GetProperty("recentItems")[0].GetProperty("itemId").GetString());
        var beauty = profile.GetProperty("explain").EnumerateArray().Single(x => x.GetProperty("feature").GetString() == "category:Beauty");
        Assert.Equal("a3", beauty.GetProperty("events")[0].GetProperty("eventId").GetString());

        var missing = await server.Client.GetAsync(new Uri("/v1/users/nobody/profile", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Metrics_AfterTraffic_PrometheusTextWithCounters()
    {
        await using var server = await TestServer.StartAsync();
        var t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent($$"""[{"eventId":"m1","type":"search","userId":"u","timestamp":{{t}},"text":"shoes"}]""", Encoding.UTF8, "application/json"));
        await server.Client.GetAsync(new Uri("/v1/users/u/profile", UriKind.Relative));
        var text = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("persona_events_total{result=\"accepted\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("persona_profile_update_seconds_count 1\n", text, StringComparison.Ordinal);
        Assert.Contains("persona_profile_read_seconds_count 1\n", text, StringComparison.Ordinal);
        Assert.Contains("persona_profiles_in_memory 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostEvents_IngestQueueFull_503RetryAfterThenAcceptedOnceFree()
    {
        await using var server = await TestServer.StartAsync(maxQueuedBatches: 1);
        var worker = server.Services.GetRequiredService<IngestWorker>();
        using var gate = new ManualResetEventSlim();
        var busy = BusyWorker.Hold(worker, gate);
        var waiting = worker.TryRun(() => true)!;
        var t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        StringContent Body() => new($$"""[{"eventId":"q1","type":"search","userId":"u","timestamp":{{t}},"text":"shoes"}]""", Encoding.UTF8, "application/json");

        var refused = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), Body());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("persona_ingest_refused_total{reason=\"queue_full\"} 1\n", await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);
        gate.Set();
        Assert.True(await busy && await waiting);
        var accepted = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), Body());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task GetProfile_ServiceStartedWithAnEngineConfigFile_ProfilesFollowItAndAnotherIsRefused()
    {
        var file = Path.Combine(Path.GetTempPath(), "persona-engine-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """{ "recentItems": 2, "typeWeights": { "view": 0 } }""");
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = Persona.Core.Engine.EngineConfigJson.Load(file);
            await using (var server = await TestServer.StartAsync(dataDir: dir, engineConfig: config))
            {
                Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/items", UriKind.Relative), new StringContent("""[{"itemId":"lip","categoryPath":["Beauty"]}]""", Encoding.UTF8, "application/json"))).StatusCode);
                var t = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
                var events = string.Join('\n', Enumerable.Range(0, 4).Select(i => $$"""{"eventId":"v{{i}}","type":"view","userId":"u","itemId":"lip","timestamp":{{t + i}}}"""));
                Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent(events, Encoding.UTF8, "application/x-ndjson"))).StatusCode);
                var profile = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/users/u/profile", UriKind.Relative));
                Assert.Equal(2, profile.GetProperty("recentItems").GetArrayLength()); // recentItems: 2
                Assert.Equal(0, profile.GetProperty("interests").GetProperty("categories").GetArrayLength()); // views weigh 0
            }

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(dataDir: dir));
            Assert.Contains("recentItems: 2 → 50", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task OpenApi_Document_ListsEndpoints()
    {
        await using var server = await TestServer.StartAsync();
        var doc = await server.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Contains("/v1/events", doc, StringComparison.Ordinal);
        Assert.Contains("/v1/users/{userId}/profile", doc, StringComparison.Ordinal);
    }
}
