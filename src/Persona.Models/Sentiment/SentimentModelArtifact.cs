using Persona.Models.Artifacts;

namespace Persona.Models.Sentiment;

/// <summary>
/// A trained <see cref="SentimentModel"/> as a registry artifact of kind <see cref="Kind"/>: <c>weights.bin</c>
/// holds <see cref="SentimentModel.ToBytes"/>. It reads review text, not profile features, so it fits every
/// engine configuration and feature schema.
/// </summary>
public sealed class SentimentModelArtifact : IModelArtifact
{
    public const string Kind = "sentiment";

    public SentimentModelArtifact(ModelMetadata metadata, SentimentModel model)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(model);
        Metadata = metadata;
        Model = model;
    }

    public ModelMetadata Metadata { get; }

    public SentimentModel Model { get; }

    /// <summary>Writes the model and its metadata (kind set to <see cref="Kind"/>) into <paramref name="folder"/>.</summary>
    public static ModelMetadata Save(string folder, SentimentModel model, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metadata);
        return ModelFolder.Save(folder, model.ToBytes(), metadata with { Kind = Kind });
    }

    /// <summary>Loads and checks a sentiment model folder: its kind, its weights' hash and their format.</summary>
    public static SentimentModelArtifact Load(string folder)
    {
        var metadata = ModelFolder.ReadMetadata(folder, Kind);
        return new SentimentModelArtifact(metadata, SentimentModel.FromBytes(ModelFolder.ReadWeights(folder, metadata)));
    }
}
