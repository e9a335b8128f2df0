using Persona.Core.Engine;
using Persona.Core.Features;
using Persona.Core.Views;
using Persona.Models.Artifacts;

namespace Persona.Models.Serving.Kinds;

/// <summary>
/// A kind of model the service serves: its name (the registry's kind), how a folder of it loads and is checked
/// against the service, which feature vector it reads from a profile, and what it adds to the profile's
/// predictions. Registered in <see cref="ModelKinds"/>; a <see cref="ModelSet"/> holds at most one model per kind.
/// </summary>
public interface IModelKind
{
    /// <summary>The kind's name in the model registry and in <see cref="PredictionsView.Models"/>.</summary>
    string Name { get; }

    /// <summary>Loads a model folder of this kind and checks it against the service's engine configuration, naming any mismatch.</summary>
    IModelArtifact Load(string folder, EngineConfig config);

    /// <summary>The feature vector the model reads from the profile state (its schema hash and extractor), or null when it reads none.</summary>
    (string SchemaHash, FeatureExtractor Extractor)? Inputs(IModelArtifact model);

    /// <summary><paramref name="view"/> with the model's predictions from the captured inputs and the recent items (newest first) added.</summary>
    PredictionsView Predict(IModelArtifact model, ModelInputs inputs, IReadOnlyList<RecentItemView> recent, PredictionsView view);
}
