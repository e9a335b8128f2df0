using System.Diagnostics;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Models.Artifacts;

namespace Persona.Server.Tests;

/// <summary><c>persona train</c> as a user runs it: a process, an artifact on disk, and the checks a service makes when loading it.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private readonly string _dir = Directory.CreateTempSubdirectory("persona-train-").FullName;

    [Fact]
    public async Task Train_SyntheticShop_WritesALoadableArtifactAndReport()
    {
        var model = Path.Combine(_dir, "model");
        var (code, stdout, stderr) = await Persona("train", "--dataset", "synthetic", "--format", "synthetic", "--users", "150", "--events", "12000", "--epochs", "4", "--out", model);
        Assert.True(code == 0, stderr);
        Assert.Contains("epoch   1: train loss", stderr, StringComparison.Ordinal);

        using var summary = JsonDocument.Parse(stdout);
        var version = summary.RootElement.GetProperty("version").GetString()!;
        var loaded = FeatureModelArtifact.Load(model, new EngineConfig());
        Assert.Equal(version, loaded.Metadata.Version);
        Assert.Equal("next", loaded.Metadata.Target);
        Assert.InRange(loaded.Metadata.Metrics["parityMaxAbsDiff"], 0, 1e-5);
        Assert.True(loaded.Metadata.Metrics["rowsTrain"] > loaded.Metadata.Metrics["rowsValidation"]);
        Assert.StartsWith($"# {version}", await File.ReadAllTextAsync(Path.Combine(model, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_WithEngineConfig_ServiceWithOtherConfigRefusesTheModel()
    {
        var config = Path.Combine(_dir, "engine.json");
        await File.WriteAllTextAsync(config, """{"categoryHalfLife":"3.00:00:00"}""");
        var model = Path.Combine(_dir, "model");
        var (code, _, stderr) = await Persona("train", "--dataset", "synthetic", "--format", "synthetic", "--users", "100", "--events", "6000", "--epochs", "2", "--engine-config", config, "--out", model);
        Assert.True(code == 0, stderr);
        var service = EngineConfigJson.Load(config);
        Assert.Equal(EngineConfigJson.Hash(service), FeatureModelArtifact.Load(model, service).Metadata.EngineConfigHash);
        var ex = Assert.Throws<InvalidDataException>(() => FeatureModelArtifact.Load(model, new EngineConfig()));
        Assert.Contains("categoryHalfLife", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_SequenceModel_WritesALoadableItemArtifact()
    {
        var model = Path.Combine(_dir, "sequence");
        var (code, stdout, stderr) = await Persona("train", "--model", "sequence", "--dataset", "synthetic", "--format", "synthetic", "--users", "120", "--events", "8000", "--epochs", "2", "--dim", "16", "--out", model);
        Assert.True(code == 0, stderr);
        Assert.Contains("validation HR@10", stderr, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(stdout);
        var loaded = ItemModelArtifact.Load(model, ItemModelArtifact.SequenceKind);
        Assert.Equal(summary.RootElement.GetProperty("version").GetString(), loaded.Metadata.Version);
        Assert.NotNull(loaded.Sequence);
        Assert.Equal(16, loaded.Sequence.Dimension);
        Assert.Equal(loaded.Items.Count, loaded.Metadata.ItemCount);
        Assert.Equal(0, loaded.IndexOf(loaded.Items[0]));
        Assert.Equal(-1, loaded.IndexOf("no-such-item"));
        Assert.Contains("view", loaded.Types); // the shop's event types, named as the profile names them
        Assert.Contains("purchase", loaded.Types);
        Assert.Equal(loaded.Types.Count, loaded.Sequence.TypeCount);
        Assert.InRange(loaded.Metadata.Metrics["parityMaxAbsDiff"], 0, 1e-5);
        Assert.Contains("| epoch | train loss | validation HR@10", await File.ReadAllTextAsync(Path.Combine(model, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_Vae_WritesALoadableItemArtifact()
    {
        var model = Path.Combine(_dir, "vae");
        var (code, _, stderr) = await Persona("train", "--model", "vae", "--dataset", "synthetic", "--format", "synthetic", "--users", "120", "--events", "8000", "--epochs", "3", "--vae-hidden", "32", "--vae-latent", "8", "--out", model);
        Assert.True(code == 0, stderr);
        Assert.Contains("refit   1:", stderr, StringComparison.Ordinal);
        var loaded = ItemModelArtifact.Load(model);
        Assert.Equal(ItemModelArtifact.VaeKind, loaded.Metadata.Kind);
        Assert.Equal(8, loaded.Vae!.Dimension);
        Assert.Null(loaded.Sequence);
    }

    [Theory]
    [InlineData("churn", "churn-mlp", "no-activity-3d")]
    [InlineData("propensity", "propensity-mlp", "purchase-3d")]
    public async Task Train_RetentionModels_WriteFeatureArtifactsWithTheirBaseline(string name, string kind, string target)
    {
        var model = Path.Combine(_dir, name);
        var (code, _, stderr) = await Persona("train", "--model", name, "--dataset", "synthetic", "--format", "synthetic", "--users", "150", "--events", "12000", "--epochs", "3", "--window-days", "3", "--out", model);
        Assert.True(code == 0, stderr);
        var loaded = FeatureModelArtifact.Load(model, new EngineConfig(), kind);
        Assert.Equal(target, loaded.Metadata.Target);
        Assert.Equal(2, loaded.Model.Classes);
        Assert.InRange(loaded.Metadata.Metrics["validationAuc"], 0, 1);
        Assert.InRange(loaded.Metadata.Metrics["recencyValidationAuc"], 0, 1);
        Assert.Contains("Calibration on the validation cut", await File.ReadAllTextAsync(Path.Combine(model, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_AddPromoteRollbackList_AsAUserRunsThem()
    {
        var registry = Path.Combine(_dir, "registry");
        var first = Path.Combine(_dir, "first");
        var second = Path.Combine(_dir, "second");
        foreach (var (folder, seed) in new[] { (first, "1"), (second, "2") })
        {
            var (trained, _, err) = await Persona("train", "--model", "churn", "--dataset", "synthetic", "--format", "synthetic", "--users", "100", "--events", "8000", "--epochs", "2", "--window-days", "3", "--seed", seed, "--out", folder);
            Assert.True(trained == 0, err);
        }

        var a = ModelFolder.ReadMetadata(first).Version;
        var b = ModelFolder.ReadMetadata(second).Version;
        Assert.Equal((0, $"added {a} (active)\n"), Pick(await Persona("models", "add", first, "--promote", "--registry", registry)));
        Assert.Equal((0, $"added {b}\n"), Pick(await Persona("models", "add", second, "--registry", registry)));
        Assert.Equal((0, $"churn-mlp: {b} is active\n"), Pick(await Persona("models", "promote", b, "--registry", registry)));
        var (code, list, _) = await Persona("models", "list", "--registry", registry);
        Assert.Equal(0, code);
        Assert.Contains($"* churn-mlp       {b}", list, StringComparison.Ordinal);
        Assert.Contains($"  churn-mlp       {a}", list, StringComparison.Ordinal);
        Assert.Equal((0, $"churn-mlp: {a} is active\n"), Pick(await Persona("models", "rollback", "churn-mlp", "--registry", registry)));

        // Bad input: a cause on standard error, exit code 2, no stack trace.
        foreach (var (args, message) in new[]
        {
            (new[] { "models", "promote", "nope", "--registry", registry }, $"persona: registry: no version nope in {registry}"),
            (new[] { "models", "rollback", "churn-mlp", "--registry", registry }, "persona: registry: no earlier churn-mlp version to roll back to"),
            (new[] { "models", "add", first, "--registry", registry }, $"persona: registry: {a} is already registered"),
            (new[] { "models", "add", Path.Combine(_dir, "missing"), "--registry", registry }, "persona: model "),
        })
        {
            var (badCode, _, stderr) = await Persona(args);
            Assert.Equal(2, badCode);
            Assert.StartsWith(message, stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
    }

    private static (int, string) Pick((int Code, string Stdout, string Stderr) r) => (r.Code, r.Stdout);

    [Theory]
    [InlineData("--dataset", "/nonexistent/taobao", "--format", "taobao", "persona: ")]
    [InlineData("--dataset", "synthetic", "--format", "synthetic", "--validation", "1.5", "persona: --validation: 1.5 is not within (0, 1)")]
    [InlineData("--dataset", "synthetic", "--format", "synthetic", "--hidden", "12,x", "persona: --hidden: 'x' is not a width")]
    [InlineData("--dataset", "synthetic", "--format", "synthetic", "--dropout", "1", "persona: interest mlp options: dropout: within [0, 1)")]
    [InlineData("--dataset", "synthetic", "--format", "synthetic", "--model", "sequence", "--heads", "3", "persona: sequence model: heads must divide the dimension (got 3 for 64)")]
    [InlineData("--dataset", "synthetic", "--format", "synthetic", "--model", "vae", "--anneal-cap", "-1", "persona: vae: anneal cap must be >= 0 (got -1)")]
    [InlineData("--dataset", "synthetic", "--format", "synthetic", "--model", "sequence", "--encoder", "gru", "persona: --encoder gru: artifacts hold the self-attentive encoder")]
    [InlineData("--dataset", "synthetic", "--format", "synthetic", "--model", "churn", "--window-days", "30", "persona: churn data: the events span")]
    public async Task Train_BadInput_Exit2WithTheCause(string a, string b, string c, string d, params string[] rest)
    {
        var message = rest[^1];
        string[] args = ["train", a, b, c, d, .. rest[..^1], "--users", "50", "--events", "2000", "--out", Path.Combine(_dir, "m")];
        var (code, _, stderr) = await Persona(args);
        Assert.Equal(2, code);
        Assert.StartsWith(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TrainRanker_ServedAnswersWithClicks_WritesWeightsTheServiceAccepts()
    {
        var data = Path.Combine(_dir, "data");
        await using (var server = await TestServer.StartAsync(dataDir: data))
        {
            var seeded = await RecommendationsApiTests.Seed(server);
            var clicks = new List<string>();
            for (var u = 0; u < 80; u++)
            {
                var answer = await RecommendationsApiTests.Recommend(server, $"u{u % 20}", "?k=5");
                var item = RecommendationsApiTests.Ids(answer)[u % 5];
                clicks.Add(JsonSerializer.Serialize(new { eventId = $"click{u}", type = "click", userId = $"u{u % 20}", itemId = item, timestamp = new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() + u, recommendationId = answer["recommendationId"]!.GetValue<string>() }));
            }

            await RecommendationsApiTests.Post(server, "/v1/events", string.Join('\n', clicks));
            await RecommendationsApiTests.UntilIndexed(server, seeded + 80);
        }

        var weights = Path.Combine(_dir, "blend.json");
        var (code, stdout, stderr) = await Persona("train-ranker", "--data-dir", data, "--out", weights);
        Assert.True(code == 0, stderr);
        Assert.Contains("learned from 64 answers with clicks, checked on 16", stdout, StringComparison.Ordinal);
        var learned = JsonSerializer.Deserialize<Persona.Recommend.Ranking.BlendWeights>(await File.ReadAllTextAsync(weights), WebJson)!;
        Assert.Equal("learned:impressions", learned.Source);
        new Persona.Serving.Recommendations.RecommendationsOptions { Blend = learned }.Validate();
    }

    [Fact]
    public async Task TrainRanker_NoClicks_RefusedWithTheCounts()
    {
        var (code, _, stderr) = await Persona("train-ranker", "--data-dir", Path.Combine(_dir, "empty"), "--out", Path.Combine(_dir, "w.json"));
        Assert.Equal(1, code);
        Assert.Contains("0 logged answers with clicks (0 answers logged); at least 50 are needed", stderr, StringComparison.Ordinal);
    }

    internal static async Task<(int Code, string Stdout, string Stderr)> Persona(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "persona.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
