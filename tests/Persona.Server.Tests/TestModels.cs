using Persona.Core.Engine;
using Persona.Core.Features;
using Persona.Models.Artifacts;
using Persona.Models.Interest;
using Persona.Models.Registry;
using Persona.Models.Sentiment;
using Persona.Models.Sequence;
using Persona.Models.Serving;
using Persona.Models.Training;

namespace Persona.Server.Tests;

/// <summary>Model artifacts with seeded random weights (no training needed), registered and promoted.</summary>
internal static class TestModels
{
    /// <summary>An interest, churn or propensity MLP over the extractor's schema for <paramref name="labels"/>.</summary>
    public static ModelMetadata AddFeatureModel(ModelRegistry registry, string kind, string[] labels, int seed, EngineConfig? config = null, DateTimeOffset? created = null)
    {
        config ??= new EngineConfig();
        var extractor = new FeatureExtractor(new ProfileEngine(config), new InterestLabels(labels));
        var classes = kind == FeatureModelArtifact.InterestKind ? labels.Length : 2;
        var rng = new Random(seed);
        float[] Random(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1) * 0.3f)];
        var model = new InterestMlp(
            new Standardizer(new float[extractor.Width], [.. Enumerable.Repeat(1f, extractor.Width)]),
            [new DenseLayer(extractor.Width, 8, Random(extractor.Width * 8), Random(8)), new DenseLayer(8, classes, Random(8 * classes), Random(classes))]);
        var folder = Path.Combine(Path.GetTempPath(), "persona-model-" + Guid.NewGuid().ToString("N"));
        try
        {
            var metadata = FeatureModelArtifact.Save(folder, model, Metadata(kind, created) with
            {
                FeatureVersion = FeatureExtractor.Version,
                FeatureSchemaHash = extractor.Schema.Hash,
                FeatureNames = extractor.Schema.Names,
                LabelDepth = 1,
                Labels = labels,
                EngineConfigHash = EngineConfigJson.Hash(config),
                EngineConfig = EngineConfigJson.Canonical(config),
            });
            registry.Add(folder, promote: true);
            return metadata;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A sequence model of dimension 8 over <paramref name="items"/>.</summary>
    public static ModelMetadata AddSequenceModel(ModelRegistry registry, IReadOnlyList<string> items, int seed)
    {
        var rng = new Random(seed);
        const int d = 8;
        float[] Random(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1) * 0.3f)];
        float[] Ones() => [.. Enumerable.Repeat(1f, d)];
        var block = new SequenceEncoder.Block(Ones(), Random(d), Random(d * d), Random(d), Random(d * d), Random(d), Random(d * d), Random(d), Random(d * d), Random(d), Ones(), Random(d), Random(d * d), Random(d), Random(d * d), Random(d));
        var encoder = new SequenceEncoder(d, 1, 10, items.Count, 1, Random((items.Count + 1) * d), Random(d), Random(10 * d), [block], Ones(), Random(d));
        var folder = Path.Combine(Path.GetTempPath(), "persona-model-" + Guid.NewGuid().ToString("N"));
        try
        {
            var metadata = ItemModelArtifact.Save(folder, encoder, items, ["interaction"], Metadata(ItemModelArtifact.SequenceKind, null));
            registry.Add(folder, promote: true);
            return metadata;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A sentiment model trained in moments on seeded reviews ("great", "love" pleased; "awful", "junk" not).</summary>
    public static (ModelMetadata Metadata, SentimentModel Model) AddSentimentModel(ModelRegistry registry, int seed, DateTimeOffset? created = null)
    {
        var rng = new Random(seed);
        List<LabelledReview> Reviews(int n) => [.. Enumerable.Range(0, n).Select(i =>
        {
            var stars = rng.Next(1, 6);
            var word = stars >= 4 ? (rng.Next(2) == 0 ? "great" : "love") : stars <= 2 ? (rng.Next(2) == 0 ? "awful" : "junk") : "fine";
            return new LabelledReview($"the {word} strap {i % 7}", stars);
        })];
        var trained = SentimentTrainer.Train(Reviews(200), Reviews(60), new SentimentOptions { Bits = 10, MaxEpochs = 5, L2 = [1e-5], Bigrams = [false], Lexicon = [false], Seed = seed });
        var folder = Path.Combine(Path.GetTempPath(), "persona-model-" + Guid.NewGuid().ToString("N"));
        try
        {
            var metadata = SentimentModelArtifact.Save(folder, trained.Model, Metadata(SentimentModelArtifact.Kind, created));
            registry.Add(folder, promote: true);
            return (metadata, trained.Model);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ModelMetadata Metadata(string kind, DateTimeOffset? created) => new()
    {
        Kind = kind,
        Version = string.Empty,
        CreatedAt = created ?? DateTimeOffset.UtcNow,
        FeatureSchemaHash = string.Empty,
        Target = "test",
        EngineConfigHash = EngineConfigJson.Hash(new EngineConfig()),
        EngineConfig = EngineConfigJson.Canonical(new EngineConfig()),
        TrainedFrom = DateTimeOffset.UnixEpoch,
        ValidationFrom = DateTimeOffset.UnixEpoch,
        TrainedTo = DateTimeOffset.UnixEpoch,
        Dataset = "test",
        Format = "test",
        Seed = 1,
        Options = new Dictionary<string, string>(),
        Metrics = new Dictionary<string, double>(),
        WeightsSha256 = string.Empty,
    };
}
