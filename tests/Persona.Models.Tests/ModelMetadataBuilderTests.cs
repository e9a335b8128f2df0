using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Features;
using Persona.Models.Artifacts;

namespace Persona.Models.Tests;

public sealed class ModelMetadataBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Build_ItemModel_NoFeaturesAndTheGivenWindowSourceAndClock()
    {
        var config = new EngineConfig();
        var m = new ModelMetadataBuilder(string.Empty, "next-item", config, new TrainingSource("/data/ml", "movielens", 7), new FixedClock(Now))
            .Window(1_000, 2_000, 3_000)
            .Build();

        Assert.Equal((string.Empty, "next-item", Now, 0, string.Empty), (m.Kind, m.Target, m.CreatedAt, m.FeatureVersion, m.FeatureSchemaHash));
        Assert.Empty(m.FeatureNames);
        Assert.Empty(m.Labels);
        Assert.Equal(0, m.LabelDepth);
        Assert.Equal([1_000L, 2_000L, 3_000L], new[] { m.TrainedFrom.ToUnixTimeMilliseconds(), m.ValidationFrom.ToUnixTimeMilliseconds(), m.TrainedTo.ToUnixTimeMilliseconds() });
        Assert.Equal(("/data/ml", "movielens", 7), (m.Dataset, m.Format, m.Seed));
        Assert.Equal((EngineConfigJson.Hash(config), EngineConfigJson.Canonical(config)), (m.EngineConfigHash, m.EngineConfig));
        Assert.Equal((string.Empty, string.Empty), (m.Version, m.WeightsSha256));
    }

    [Fact]
    public void Build_OptionsAndMetrics_InTheOrderAddedWithInvariantNumbers()
    {
        var m = new ModelMetadataBuilder("k", "t", new EngineConfig(), new TrainingSource("d", "f", 1), new FixedClock(Now))
            .Option("hidden", "128,64")
            .Option("dropout", 0.25)
            .Option("batchSize", 256)
            .Metric("rowsTrain", 10)
            .Metric("bestEpoch", 3)
            .Metric("auc", 0.5)
            .Build();

        Assert.Equal(["hidden", "dropout", "batchSize"], m.Options.Keys);
        Assert.Equal(["128,64", "0.25", "256"], m.Options.Values);
        Assert.Equal(["rowsTrain", "bestEpoch", "auc"], m.Metrics.Keys);
        Assert.Equal([10.0, 3.0, 0.5], m.Metrics.Values);
    }

    [Fact]
    public void Build_FeatureModel_SchemaVersionNamesAndLabels()
    {
        var labels = InterestLabels.FromCatalog([new CatalogItem { ItemId = "a", CategoryPath = ["Beauty", "Lips"] }, new CatalogItem { ItemId = "b", CategoryPath = ["Home"] }]);
        var schema = new FeatureExtractor(new ProfileEngine(new EngineConfig()), labels).Schema;

        var m = new ModelMetadataBuilder(FeatureModelArtifact.ChurnKind, "no-activity-90d", new EngineConfig(), new TrainingSource("d", "f", 1), new FixedClock(Now))
            .Features(schema, labels)
            .Build();

        Assert.Equal((FeatureExtractor.Version, schema.Hash, labels.Depth), (m.FeatureVersion, m.FeatureSchemaHash, m.LabelDepth));
        Assert.Equal(schema.Names, m.FeatureNames);
        Assert.Equal(labels.Names, m.Labels);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
