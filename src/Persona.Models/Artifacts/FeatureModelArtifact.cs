using Persona.Core.Engine;
using Persona.Core.Features;
using Persona.Models.Interest;

namespace Persona.Models.Artifacts;

/// <summary>
/// A trained model over the profile's features on disk (<see cref="ModelFolder"/>; weights by
/// <see cref="InterestMlp.Save"/>): the interest MLP, and the churn and purchase-propensity MLPs (two
/// classes, the second the outcome). <see cref="Load"/> refuses a folder whose weights do not match their
/// hash, whose feature schema differs from what this build computes for its labels, or whose engine
/// configuration differs from the service's, naming the difference.
/// </summary>
public sealed class FeatureModelArtifact : IModelArtifact
{
    public const string InterestKind = "interest-mlp";
    public const string ChurnKind = "churn-mlp";
    public const string PropensityKind = "propensity-mlp";

    public static readonly string[] Kinds = [InterestKind, ChurnKind, PropensityKind];

    private FeatureModelArtifact(ModelMetadata metadata, InterestMlp model, FeatureExtractor extractor)
    {
        Metadata = metadata;
        Model = model;
        Extractor = extractor;
    }

    public ModelMetadata Metadata { get; }

    public InterestMlp Model { get; }

    /// <summary>The extractor that computes this model's inputs (the service's engine, the model's labels).</summary>
    public FeatureExtractor Extractor { get; }

    /// <summary>Writes the weights and their metadata into <paramref name="folder"/> (created if needed); returns the metadata with the weights' hash and version filled in.</summary>
    public static ModelMetadata Save(string folder, InterestMlp model, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metadata);
        if (!Kinds.Contains(metadata.Kind))
        {
            throw new ArgumentException($"model: {metadata.Kind} is not a model over features ({string.Join(", ", Kinds)})");
        }

        using var weights = new MemoryStream();
        model.Save(weights);
        return ModelFolder.Save(folder, weights.ToArray(), metadata);
    }

    /// <summary>Loads and checks a model folder against the service's engine configuration.</summary>
    public static FeatureModelArtifact Load(string folder, EngineConfig serviceConfig, params string[] kinds)
    {
        ArgumentNullException.ThrowIfNull(serviceConfig);
        var metadata = ModelFolder.ReadMetadata(folder, kinds.Length > 0 ? kinds : Kinds);
        var serviceHash = EngineConfigJson.Hash(serviceConfig);
        if (metadata.EngineConfigHash != serviceHash)
        {
            var differences = EngineConfigJson.Differences(metadata.EngineConfig, EngineConfigJson.Canonical(serviceConfig));
            throw new InvalidDataException($"model {metadata.Version}: trained with engine configuration {metadata.EngineConfigHash}, the service runs {serviceHash} ({string.Join("; ", differences)})");
        }

        var extractor = new FeatureExtractor(new ProfileEngine(serviceConfig), new InterestLabels(metadata.Labels, metadata.LabelDepth));
        if (extractor.Schema.Hash != metadata.FeatureSchemaHash)
        {
            throw new InvalidDataException($"model {metadata.Version}: trained on feature schema {metadata.FeatureSchemaHash} (version {metadata.FeatureVersion}), this build computes {extractor.Schema.Hash} (version {FeatureExtractor.Version})");
        }

        var model = InterestMlp.Load(new MemoryStream(ModelFolder.ReadWeights(folder, metadata)));
        var classes = metadata.Kind == InterestKind ? extractor.Labels.Count : 2;
        if (model.Width != extractor.Width || model.Classes != classes)
        {
            throw new InvalidDataException($"model {metadata.Version}: weights take {model.Width} features into {model.Classes} classes, the schema has {extractor.Width} and {classes}");
        }

        return new FeatureModelArtifact(metadata, model, extractor);
    }
}
