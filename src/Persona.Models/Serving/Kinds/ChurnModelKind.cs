using Persona.Core.Views;
using Persona.Models.Artifacts;

namespace Persona.Models.Serving.Kinds;

/// <summary>The churn MLP: P(no activity in its window) (<see cref="PredictionsView.ChurnRisk"/>).</summary>
public sealed class ChurnModelKind : FeatureModelKind
{
    public override string Name => FeatureModelArtifact.ChurnKind;

    protected override PredictionsView Predict(FeatureModelArtifact model, float[] output, PredictionsView view) => view with { ChurnRisk = Math.Round(output[1], 6) };
}
