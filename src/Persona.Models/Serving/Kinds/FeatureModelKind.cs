using Persona.Core.Engine;
using Persona.Core.Features;
using Persona.Core.Views;
using Persona.Models.Artifacts;

namespace Persona.Models.Serving.Kinds;

/// <summary>A kind of MLP over the profile's features (<see cref="FeatureModelArtifact"/>): it loads as one and reads its own feature schema.</summary>
public abstract class FeatureModelKind : IModelKind
{
    public abstract string Name { get; }

    public IModelArtifact Load(string folder, EngineConfig config) => FeatureModelArtifact.Load(folder, config, Name);

    public (string SchemaHash, FeatureExtractor Extractor)? Inputs(IModelArtifact model)
    {
        var artifact = (FeatureModelArtifact)model;
        return (artifact.Metadata.FeatureSchemaHash, artifact.Extractor);
    }

    public PredictionsView Predict(IModelArtifact model, ModelInputs inputs, IReadOnlyList<RecentItemView> recent, PredictionsView view)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var artifact = (FeatureModelArtifact)model;
        return Predict(artifact, artifact.Model.Predict(inputs.Features[artifact.Metadata.FeatureSchemaHash]), view);
    }

    /// <summary><paramref name="view"/> with the model's output (one probability per class) added.</summary>
    protected abstract PredictionsView Predict(FeatureModelArtifact model, float[] output, PredictionsView view);
}
