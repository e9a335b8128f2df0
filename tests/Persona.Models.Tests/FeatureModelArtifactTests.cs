using System.Text.Json.Nodes;
using Persona.Core.Engine;
using Persona.Core.Features;
using Persona.Models.Artifacts;
using Persona.Models.Interest;
using Persona.Models.Training;

namespace Persona.Models.Tests;

public sealed class FeatureModelArtifactTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("persona-model-").FullName;

    [Fact]
    public void SaveLoad_RoundTrip_SameModelAndMetadata()
    {
        var (model, metadata) = Trained(new EngineConfig());
        var saved = FeatureModelArtifact.Save(_folder, model, metadata);
        Assert.Matches("^interest-mlp-20261202T100000Z-[0-9a-f]{8}$", saved.Version);

        var loaded = FeatureModelArtifact.Load(_folder, new EngineConfig());
        Assert.Equal(saved.Version, loaded.Metadata.Version);
        Assert.Equal(saved.FeatureSchemaHash, loaded.Extractor.Schema.Hash);
        Assert.Equal(["Books", "Shoes"], loaded.Extractor.Labels.Names);
        var x = Enumerable.Range(0, model.Width).Select(i => (float)(i % 3)).ToArray();
        Assert.Equal(model.Predict(x), loaded.Model.Predict(x));
    }

    [Fact]
    public void Load_OtherEngineConfig_RefusedNamingTheDifference()
    {
        var (model, metadata) = Trained(new EngineConfig());
        FeatureModelArtifact.Save(_folder, model, metadata);
        var ex = Assert.Throws<InvalidDataException>(() => FeatureModelArtifact.Load(_folder, new EngineConfig { TagHalfLife = TimeSpan.FromDays(3) }));
        Assert.Contains("trained with engine configuration", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tagHalfLife", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OtherFeatureSchema_Refused()
    {
        var (model, metadata) = Trained(new EngineConfig());
        FeatureModelArtifact.Save(_folder, model, metadata with { FeatureSchemaHash = "0123456789abcdef" });
        var ex = Assert.Throws<InvalidDataException>(() => FeatureModelArtifact.Load(_folder, new EngineConfig()));
        Assert.Matches("trained on feature schema 0123456789abcdef \\(version 2\\), this build computes [0-9a-f]{16} \\(version 2\\)$", ex.Message);
    }

    [Fact]
    public void Load_DamagedFolders_RefusedWithCause()
    {
        Assert.EndsWith("no model.json", Assert.Throws<InvalidDataException>(() => FeatureModelArtifact.Load(_folder, new EngineConfig())).Message, StringComparison.Ordinal);

        var (model, metadata) = Trained(new EngineConfig());
        FeatureModelArtifact.Save(_folder, model, metadata);
        var weights = Path.Combine(_folder, ModelFolder.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 1;
        File.WriteAllBytes(weights, bytes);
        Assert.EndsWith("weights.bin does not match its hash", Assert.Throws<InvalidDataException>(() => FeatureModelArtifact.Load(_folder, new EngineConfig())).Message, StringComparison.Ordinal);

        var json = Path.Combine(_folder, ModelFolder.MetadataFile);
        var node = JsonNode.Parse(File.ReadAllText(json))!;
        node["kind"] = "churn";
        File.WriteAllText(json, node.ToJsonString());
        Assert.EndsWith("a churn model, not interest-mlp or churn-mlp or propensity-mlp", Assert.Throws<InvalidDataException>(() => FeatureModelArtifact.Load(_folder, new EngineConfig())).Message, StringComparison.Ordinal);

        node["kind"] = "churn-mlp";
        File.WriteAllText(json, node.ToJsonString());
        Assert.EndsWith("a churn-mlp model, not interest-mlp", Assert.Throws<InvalidDataException>(() => FeatureModelArtifact.Load(_folder, new EngineConfig(), FeatureModelArtifact.InterestKind)).Message, StringComparison.Ordinal);

        File.WriteAllText(json, "{\"kind\":");
        Assert.Contains("model.json is not valid", Assert.Throws<InvalidDataException>(() => FeatureModelArtifact.Load(_folder, new EngineConfig())).Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A small model over the extractor's schema for two labels, and its metadata.</summary>
    private static (InterestMlp Model, ModelMetadata Metadata) Trained(EngineConfig config)
    {
        var extractor = new FeatureExtractor(new ProfileEngine(config), new InterestLabels(["Books", "Shoes"]));
        var rng = new Random(1);
        var train = new LabelledRows(extractor.Width, 2);
        var valid = new LabelledRows(extractor.Width, 2);
        var x = new float[extractor.Width];
        for (var i = 0; i < 300; i++)
        {
            x.AsSpan().Clear();
            var label = rng.Next(2);
            x[extractor.Schema.IndexOf("interest." + (label == 0 ? "Books" : "Shoes"))] = 1;
            (i < 200 ? train : valid).Add(x, label);
        }

        var trained = InterestMlpTrainer.Train(train, valid, new InterestMlpOptions { Hidden = [8], MaxEpochs = 2, Threads = 1 }, []);
        return (trained.Model, new ModelMetadata
        {
            Kind = FeatureModelArtifact.InterestKind,
            Version = string.Empty,
            CreatedAt = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero),
            FeatureVersion = FeatureExtractor.Version,
            FeatureSchemaHash = extractor.Schema.Hash,
            FeatureNames = extractor.Schema.Names,
            LabelDepth = 1,
            Labels = extractor.Labels.Names,
            Target = "next",
            EngineConfigHash = EngineConfigJson.Hash(config),
            EngineConfig = EngineConfigJson.Canonical(config),
            TrainedFrom = DateTimeOffset.UnixEpoch,
            ValidationFrom = DateTimeOffset.UnixEpoch,
            TrainedTo = DateTimeOffset.UnixEpoch,
            Dataset = "test",
            Format = "canonical",
            Seed = 1,
            Options = new Dictionary<string, string>(),
            Metrics = new Dictionary<string, double>(),
            WeightsSha256 = string.Empty,
        });
    }
}
