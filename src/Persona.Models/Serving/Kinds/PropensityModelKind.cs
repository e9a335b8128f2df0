using Persona.Core.Views;
using Persona.Models.Artifacts;

namespace Persona.Models.Serving.Kinds;

/// <summary>The purchase-propensity MLP: P(a purchase in its window) (<see cref="PredictionsView.PurchasePropensity"/>).</summary>
public sealed class PropensityModelKind : FeatureModelKind
{
    public override string Name => FeatureModelArtifact.PropensityKind;

    protected override PredictionsView Predict(FeatureModelArtifact model, float[] output, PredictionsView view) => view with { PurchasePropensity = Math.Round(output[1], 6) };
}
