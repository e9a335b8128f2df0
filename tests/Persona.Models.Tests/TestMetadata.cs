using Persona.Models.Artifacts;

namespace Persona.Models.Tests;

/// <summary>Metadata for test artifacts of the models over item ids (save fills in kind, version and hashes).</summary>
internal static class TestMetadata
{
    public static ModelMetadata Item(DateTimeOffset created, int seed = 1) => new()
    {
        Kind = string.Empty,
        Version = string.Empty,
        CreatedAt = created,
        FeatureSchemaHash = string.Empty,
        Target = "next-item",
        EngineConfigHash = "h",
        EngineConfig = "{}",
        TrainedFrom = DateTimeOffset.UnixEpoch,
        ValidationFrom = DateTimeOffset.UnixEpoch,
        TrainedTo = DateTimeOffset.UnixEpoch,
        Dataset = "test",
        Format = "test",
        Seed = seed,
        Options = new Dictionary<string, string>(),
        Metrics = new Dictionary<string, double>(),
        WeightsSha256 = string.Empty,
    };
}
