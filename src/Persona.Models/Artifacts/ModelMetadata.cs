namespace Persona.Models.Artifacts;

/// <summary>
/// What a trained model is and what it was trained on, stored beside its weights as <c>model.json</c>: a
/// service loads a model only when the feature schema and engine configuration it computes match these.
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>The model family, e.g. <c>interest-mlp</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Unique id: kind, UTC training time and the first digits of the weights' hash.</summary>
    public required string Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required int FeatureVersion { get; init; }

    public required string FeatureSchemaHash { get; init; }

    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>The interest labels' depth in the category tree and their paths.</summary>
    public required int LabelDepth { get; init; }

    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>What the model predicts (<c>next</c> or <c>next-purchase</c>).</summary>
    public required string Target { get; init; }

    public required string EngineConfigHash { get; init; }

    /// <summary>The engine configuration, canonical JSON, so that the difference can be named on a mismatch.</summary>
    public required string EngineConfig { get; init; }

    /// <summary>Event times of the training data: first event, start of the validation part, last event.</summary>
    public required DateTimeOffset TrainedFrom { get; init; }

    public required DateTimeOffset ValidationFrom { get; init; }

    public required DateTimeOffset TrainedTo { get; init; }

    public required string Dataset { get; init; }

    public required string Format { get; init; }

    public required int Seed { get; init; }

    /// <summary>The hyper-parameters as trained.</summary>
    public required IReadOnlyDictionary<string, string> Options { get; init; }

    /// <summary>Rows, validation scores, best epoch, training time and the parity with TorchSharp.</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>SHA-256 of the weights file (hex).</summary>
    public required string WeightsSha256 { get; init; }
}
