namespace Persona.Models.Artifacts;

/// <summary>
/// What a trained model is and what it was trained on, stored beside its weights as <c>model.json</c>: a
/// service loads a model only when the feature schema (for the models over item ids: the item vocabulary)
/// and engine configuration it computes match these.
/// </summary>
public sealed record ModelMetadata
{
    /// <summary>The model family: <c>interest-mlp</c>, <c>churn-mlp</c>, <c>propensity-mlp</c>, <c>sequence</c> or <c>vae</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Unique id: kind, UTC training time and the first digits of the weights' hash.</summary>
    public required string Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The feature extractor's version (0 for the models over item ids).</summary>
    public int FeatureVersion { get; init; }

    /// <summary>The feature schema's hash, or for the models over item ids the hash of their item vocabulary.</summary>
    public required string FeatureSchemaHash { get; init; }

    public IReadOnlyList<string> FeatureNames { get; init; } = [];

    /// <summary>The interest labels' depth in the category tree and their paths (the models over features).</summary>
    public int LabelDepth { get; init; }

    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Items the model knows (the models over item ids; their ids are in <c>items.txt</c>).</summary>
    public int ItemCount { get; init; }

    /// <summary>What the model predicts: <c>next</c> or <c>next-purchase</c> (interest), <c>next-item</c>, <c>items</c>, <c>no-activity-90d</c>, <c>purchase-90d</c>.</summary>
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
