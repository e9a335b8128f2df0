using Persona.Core.Engine;
using Persona.Core.Features;
using Persona.Core.Views;
using Persona.Models.Artifacts;
using Persona.Models.Sentiment;

namespace Persona.Models.Serving.Kinds;

/// <summary>
/// The review-sentiment model (<see cref="SentimentModelArtifact"/>): it reads no profile features and adds
/// nothing to a profile's predictions. The ingest path scores review text with it, so the score travels with the
/// event into the log and the profile's satisfaction, and replays give the same profile.
/// </summary>
public sealed class SentimentModelKind : IModelKind
{
    public string Name => SentimentModelArtifact.Kind;

    public IModelArtifact Load(string folder, EngineConfig config) => SentimentModelArtifact.Load(folder);

    public (string SchemaHash, FeatureExtractor Extractor)? Inputs(IModelArtifact model) => null;

    public PredictionsView Predict(IModelArtifact model, ModelInputs inputs, IReadOnlyList<RecentItemView> recent, PredictionsView view) => view;
}
