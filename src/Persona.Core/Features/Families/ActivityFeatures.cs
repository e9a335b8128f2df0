namespace Persona.Core.Features.Families;

/// <summary>Activity: events, tenure and idle days, each as log1p.</summary>
internal sealed class ActivityFeatures : IFeatureFamily
{
    public IReadOnlyList<string> Names { get; } = ["events.log", "tenure.days.log", "idle.days.log"];

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        var state = input.State;
        w.Log(state.EventCount);
        w.Log(FeatureInput.Days(input.NowMs - state.FirstSeenMs));
        w.Log(FeatureInput.Days(input.NowMs - state.LastSeenMs));
    }
}
