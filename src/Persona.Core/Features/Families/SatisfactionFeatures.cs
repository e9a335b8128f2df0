using Persona.Core.Engine;

namespace Persona.Core.Features.Families;

/// <summary>
/// Satisfaction (<see cref="Views.SatisfactionView"/>): its score (0 before any signal), its evidence now (log1p of
/// the decayed signal weight, so a recent complaint weighs more than an old one) and the signals ever taken in
/// (log1p). Churn and propensity read it: an unhappy customer is likelier to leave.
/// </summary>
internal sealed class SatisfactionFeatures(ProfileEngine engine) : IFeatureFamily
{
    public IReadOnlyList<string> Names { get; } = ["satisfaction.score", "satisfaction.evidence.log", "satisfaction.signals.log"];

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        var state = input.State;
        if (state.SatisfactionSignals == 0 || state.SatisfactionWeight <= 0)
        {
            w.Put(0);
            w.Put(0);
            w.Put(0);
            return;
        }

        var age = Math.Max(0, input.NowMs - state.SatisfactionRefMs);
        w.Put(Math.Clamp(state.SatisfactionSum / state.SatisfactionWeight, -1, 1));
        w.Log(state.SatisfactionWeight * Math.Pow(2, -age / engine.Config.SatisfactionHalfLife.TotalMilliseconds));
        w.Log(state.SatisfactionSignals);
    }
}
