namespace Persona.Core.Features.Families;

/// <summary>Sessions: their count, mean events and mean seconds of the finished ones (log1p), the bounce rate, and whether one is open now.</summary>
internal sealed class SessionFeatures : IFeatureFamily
{
    public IReadOnlyList<string> Names { get; } = ["sessions.log", "session.events.log", "session.seconds.log", "session.bounce", "session.open"];

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        var state = input.State;
        var sessions = input.Sessions;
        w.Log(state.SessionCount);
        w.Log(sessions.Sessions > 0 ? sessions.Events / (double)sessions.Sessions : 0);
        w.Log(sessions.Sessions > 0 ? Math.Max(0, sessions.DurationMs) / 1000.0 / sessions.Sessions : 0);
        w.Put(sessions.Sessions > 0 ? sessions.Bounces / (double)sessions.Sessions : 0);
        w.Put(state.CurrentSessionId is not null && !sessions.OpenClosed ? 1 : 0);
    }
}
