using Persona.Core.Engine;

namespace Persona.Core.Features.Families;

/// <summary>Ratings: the mean stars around the engine's centre (within ±5, halved) and their count (log1p).</summary>
internal sealed class RatingFeatures(ProfileEngine engine) : IFeatureFamily
{
    public IReadOnlyList<string> Names { get; } = ["rating.mean", "rating.count.log"];

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        var state = input.State;
        w.Put(state.RatingCount > 0 ? Math.Clamp((state.RatingSum / state.RatingCount) - engine.Config.RatingCentre, -5, 5) / 2 : 0);
        w.Log(state.RatingCount);
    }
}
