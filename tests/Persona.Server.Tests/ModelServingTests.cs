using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Persona.Models.Artifacts;
using Persona.Models.Registry;

namespace Persona.Server.Tests;

/// <summary>Models served in the profile from the registry: predictions with versions, hot swap, rollback, refusal.</summary>
public sealed class ModelServingTests
{
    internal static readonly string[] Labels = ["Beauty", "Books"];

    [Fact]
    public async Task GetProfile_NoModel_HeuristicProfileWithoutPredictions()
    {
        await using var server = await TestServer.StartAsync();
        await Seed(server, "u1", 3, 0);
        var profile = await Profile(server, "u1");
        Assert.False(profile.ContainsKey("predictions"));
        Assert.Equal(3, profile["eventCount"]!.GetValue<long>());
        var models = await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/models", UriKind.Relative));
        Assert.Empty(models!["active"]!.AsObject());
        Assert.Equal("models", models["registry"]!.GetValue<string>());
        Assert.DoesNotContain(server.DataDir, models.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetProfile_ModelsActive_PredictionsWithVersionsAndPosition()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var registry = new ModelRegistry(Path.Combine(dir, "models"));
        var interest = TestModels.AddFeatureModel(registry, FeatureModelArtifact.InterestKind, Labels, seed: 1);
        var churn = TestModels.AddFeatureModel(registry, FeatureModelArtifact.ChurnKind, Labels, seed: 2);
        var propensity = TestModels.AddFeatureModel(registry, FeatureModelArtifact.PropensityKind, Labels, seed: 3);
        var sequence = TestModels.AddSequenceModel(registry, ["lip", "book", "eye"], seed: 4);
        await using var server = await TestServer.StartAsync(dataDir: dir);
        try
        {
            await Seed(server, "u1", 4, 0);
            var predictions = (await Profile(server, "u1"))["predictions"]!.AsObject();
            Assert.Equal(interest.Version, predictions["models"]!["interest-mlp"]!.GetValue<string>());
            Assert.Equal(churn.Version, predictions["models"]!["churn-mlp"]!.GetValue<string>());
            Assert.Equal(propensity.Version, predictions["models"]!["propensity-mlp"]!.GetValue<string>());
            Assert.Equal(sequence.Version, predictions["models"]!["sequence"]!.GetValue<string>());
            var distribution = predictions["predictedInterests"]!.AsArray().Select(p => p!["probability"]!.GetValue<double>()).ToArray();
            Assert.Equal(2, distribution.Length);
            Assert.Equal(1.0, distribution.Sum(), 5);
            Assert.True(distribution[0] >= distribution[1]);
            Assert.InRange(predictions["churnRisk"]!.GetValue<double>(), 0, 1);
            Assert.InRange(predictions["purchasePropensity"]!.GetValue<double>(), 0, 1);
            Assert.Equal(8, predictions["embedding"]!.AsArray().Count);
            var position = predictions["position"]!.GetValue<long>();

            // A new event moves the position and refreshes the embedding within the same read.
            await Seed(server, "u1", 1, 4, item: "eye");
            var after = (await Profile(server, "u1"))["predictions"]!.AsObject();
            Assert.True(after["position"]!.GetValue<long>() > position);
            Assert.NotEqual(predictions["embedding"]!.ToJsonString(), after["embedding"]!.ToJsonString());
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Promote_WhileIngesting_SwapsModelLosingAndRepeatingNoEvent()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var registry = new ModelRegistry(Path.Combine(dir, "models"));
        var first = TestModels.AddFeatureModel(registry, FeatureModelArtifact.InterestKind, Labels, seed: 1);
        await using var server = await TestServer.StartAsync(dataDir: dir);
        try
        {
            await Seed(server, "u1", 1, 0);
            Assert.Equal(first.Version, Version(await Profile(server, "u1")));

            // Ingest 40 batches while the registry promotes a second model, and the service reloads.
            var ingest = Task.Run(async () =>
            {
                for (var b = 0; b < 40; b++)
                {
                    await Seed(server, "u1", 5, 1 + (b * 5));
                }
            });
            var second = TestModels.AddFeatureModel(registry, FeatureModelArtifact.InterestKind, Labels, seed: 9, created: DateTimeOffset.UtcNow.AddSeconds(1));
            var reloaded = await server.Client.PostAsync(new Uri("/v1/models/reload", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, reloaded.StatusCode);
            await ingest;

            var profile = await Profile(server, "u1");
            Assert.Equal(201, profile["eventCount"]!.GetValue<long>()); // 1 + 40 × 5, none lost, none twice
            Assert.Equal(second.Version, Version(profile));

            Assert.Equal(first.Version, registry.Rollback(FeatureModelArtifact.InterestKind));
            await server.Client.PostAsync(new Uri("/v1/models/reload", UriKind.Relative), null);
            Assert.Equal(first.Version, Version(await Profile(server, "u1")));
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Promote_SchemaMismatch_RefusedWithTheReasonPreviousKeepsServing()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var registry = new ModelRegistry(Path.Combine(dir, "models"));
        var good = TestModels.AddFeatureModel(registry, FeatureModelArtifact.InterestKind, Labels, seed: 1);
        await using var server = await TestServer.StartAsync(dataDir: dir);
        try
        {
            await Seed(server, "u1", 2, 0);
            var bad = TestModels.AddFeatureModel(registry, FeatureModelArtifact.InterestKind, Labels, seed: 2, created: DateTimeOffset.UtcNow.AddSeconds(1));
            var json = Path.Combine(registry.ActiveFolder(FeatureModelArtifact.InterestKind)!, ModelFolder.MetadataFile);
            var node = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
            node["featureSchemaHash"] = "0123456789abcdef";
            await File.WriteAllTextAsync(json, node.ToJsonString());

            var status = await (await server.Client.PostAsync(new Uri("/v1/models/reload", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonObject>();
            var reason = status!["refused"]!["interest-mlp"]!.GetValue<string>();
            Assert.StartsWith(bad.Version, reason, StringComparison.Ordinal);
            Assert.Contains("trained on feature schema 0123456789abcdef", reason, StringComparison.Ordinal);
            Assert.Equal(good.Version, status["active"]!["interest-mlp"]!.GetValue<string>());
            Assert.Equal(good.Version, Version(await Profile(server, "u1")));

            // Metadata that breaks the loader in other ways (a label depth of 0) is refused too; the service runs on.
            var broken = TestModels.AddFeatureModel(registry, FeatureModelArtifact.InterestKind, Labels, seed: 3, created: DateTimeOffset.UtcNow.AddSeconds(2));
            json = Path.Combine(registry.ActiveFolder(FeatureModelArtifact.InterestKind)!, ModelFolder.MetadataFile);
            node = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
            node["labelDepth"] = 0;
            await File.WriteAllTextAsync(json, node.ToJsonString());
            status = await (await server.Client.PostAsync(new Uri("/v1/models/reload", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonObject>();
            Assert.StartsWith(broken.Version, status!["refused"]!["interest-mlp"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);

            // Rolling back to the version in service clears the refusal.
            Assert.Equal(bad.Version, registry.Rollback(FeatureModelArtifact.InterestKind));
            Assert.Equal(good.Version, registry.Rollback(FeatureModelArtifact.InterestKind));
            status = await (await server.Client.PostAsync(new Uri("/v1/models/reload", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonObject>();
            Assert.Empty(status!["refused"]!.AsObject());
            Assert.Equal(good.Version, status["active"]!["interest-mlp"]!.GetValue<string>());
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Version(JsonObject profile) => profile["predictions"]!["models"]!["interest-mlp"]!.GetValue<string>();

    [Fact]
    public async Task PostReview_SentimentModelServed_TheModelsScoreIsLoggedWithTheEventAndFeedsSatisfaction()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var (metadata, model) = TestModels.AddSentimentModel(new ModelRegistry(Path.Combine(dir, "models")), seed: 5);
        await using var server = await TestServer.StartAsync(dataDir: dir);
        try
        {
            var models = await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/models", UriKind.Relative));
            Assert.Contains(metadata.Version, models!.ToJsonString(), StringComparison.Ordinal);
            const string text = "awful junk strap";
            var review = JsonSerializer.Serialize(new { eventId = "rv1", type = "review", userId = "rv", itemId = "lip", timestamp = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), text });
            Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent(review, Encoding.UTF8, "application/json"))).StatusCode);

            var export = await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/users/rv/export", UriKind.Relative));

            var expected = model.Score(text).Positive;
            Assert.True(expected < 0.5, $"the test model scores '{text}' {expected}");
            Assert.Equal(expected, export!["events"]![0]!["sentiment"]!.GetValue<double>());
            var satisfaction = export["profile"]!["satisfaction"]!;
            Assert.Equal((Math.Round((2 * expected) - 1, 4), 1L), (satisfaction["score"]!.GetValue<double>(), satisfaction["signals"]!.GetValue<long>()));
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task PromoteAndRollback_OverHttp_TheServiceServesTheVersionAtOnce()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var registry = new ModelRegistry(Path.Combine(dir, "models"));
        var first = TestModels.AddSentimentModel(registry, seed: 1).Metadata;
        var second = TestModels.AddSentimentModel(registry, seed: 2, created: DateTimeOffset.UtcNow.AddSeconds(1)).Metadata;
        await using var server = await TestServer.StartAsync(dataDir: dir);
        try
        {
            var listed = await server.Client.GetFromJsonAsync<JsonArray>(new Uri("/v1/models/registry", UriKind.Relative));
            Assert.Equal([(second.Version, true), (first.Version, false)], listed!.Select(m => (m!["version"]!.GetValue<string>(), m["active"]!.GetValue<bool>())));

            var promoted = await Send(server, "/v1/models/sentiment/promote", $$"""{"version":"{{first.Version}}"}""");
            Assert.Equal(HttpStatusCode.OK, promoted.Status);
            Assert.Equal(first.Version, promoted.Body["active"]!["sentiment"]!.GetValue<string>());

            var rolledBack = await Send(server, "/v1/models/sentiment/rollback", null);
            Assert.Equal(second.Version, rolledBack.Body["active"]!["sentiment"]!.GetValue<string>());
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("/v1/models/nosuch/promote", """{"version":"v"}""", HttpStatusCode.NotFound, "kind: 'nosuch' is not one of")]
    [InlineData("/v1/models/sentiment/promote", """{}""", HttpStatusCode.BadRequest, "version: required")]
    [InlineData("/v1/models/sentiment/promote", """{"version":"../../etc"}""", HttpStatusCode.NotFound, "version: no sentiment version '../../etc'")]
    [InlineData("/v1/models/sentiment/rollback", null, HttpStatusCode.Conflict, "kind: no earlier sentiment version was active")]
    [InlineData("/v1/models/nosuch/rollback", null, HttpStatusCode.NotFound, "kind: 'nosuch' is not one of")]
    public async Task PromoteAndRollback_BadRequest_ProblemNamingIt(string path, string? body, HttpStatusCode status, string detail)
    {
        await using var server = await TestServer.StartAsync();

        var (actual, answer) = await Send(server, path, body);

        Assert.Equal(status, actual);
        Assert.Contains(detail, answer["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> Send(TestServer server, string path, string? body)
    {
        using var content = new StringContent(body ?? string.Empty, Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync(new Uri(path, UriKind.Relative), body is null ? null : content);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private static async Task<JsonObject> Profile(TestServer server, string user) =>
        (await server.Client.GetFromJsonAsync<JsonObject>(new Uri($"/v1/users/{user}/profile", UriKind.Relative)))!;

    internal static async Task Seed(TestServer server, string user, int count, int from, string item = "lip")
    {
        var catalog = """[{"itemId":"lip","categoryPath":["Beauty","Lips"],"price":12},{"itemId":"book","categoryPath":["Books"],"price":20},{"itemId":"eye","categoryPath":["Beauty","Eyes"],"price":9}]""";
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/items", UriKind.Relative), new StringContent(catalog, Encoding.UTF8, "application/json"))).StatusCode);
        var t = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var events = string.Join('\n', Enumerable.Range(from, count).Select(i => JsonSerializer.Serialize(new { eventId = $"{user}-{i}", type = i % 4 == 3 ? "purchase" : "view", userId = user, itemId = i % 4 == 3 ? "book" : item, timestamp = t + (i * 60_000L), price = 10 })));
        var posted = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent(events, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
    }
}
