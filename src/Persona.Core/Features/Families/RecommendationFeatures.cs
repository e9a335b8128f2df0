namespace Persona.Core.Features.Families;

/// <summary>Recommendations: clicks on and purchases from recommendations (log1p).</summary>
internal sealed class RecommendationFeatures : IFeatureFamily
{
    public IReadOnlyList<string> Names { get; } = ["reco.clicks.log", "reco.purchases.log"];

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        w.Log(input.State.RecoClicks);
        w.Log(input.State.RecoPurchases);
    }
}
