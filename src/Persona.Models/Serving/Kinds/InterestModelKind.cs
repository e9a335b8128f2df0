using Persona.Core.Views;
using Persona.Models.Artifacts;

namespace Persona.Models.Serving.Kinds;

/// <summary>The interest MLP: the predicted distribution over the interest labels, most likely first (<see cref="PredictionsView.PredictedInterests"/>).</summary>
public sealed class InterestModelKind : FeatureModelKind
{
    public override string Name => FeatureModelArtifact.InterestKind;

    protected override PredictionsView Predict(FeatureModelArtifact model, float[] output, PredictionsView view) => view with
    {
        PredictedInterests =
        [
            .. output
                .Select((v, i) => new LabelProbability(model.Extractor.Labels.Names[i], Math.Round(v, 6)))
                .OrderByDescending(l => l.Probability)
                .ThenBy(l => l.Label, StringComparer.Ordinal),
        ],
    };
}
