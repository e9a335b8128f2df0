using Persona.Core.Engine;
using Persona.Core.Events;

namespace Persona.Core.Features.Families;

/// <summary>Per built-in event type: its total, its 1 h, 24 h, 7 d and 30 d windows (log1p), and the days since its last event.</summary>
internal sealed class EventTypeFeatures : IFeatureFamily
{
    private readonly byte[] _types = [.. Enumerable.Range(0, (int)EventType.FirstCustom).Select(t => (byte)t)];

    public EventTypeFeatures(ProfileEngine engine)
    {
        Names = [.. _types.Select(engine.Types.NameOf).SelectMany(t => new[] { $"{t}.total.log", $"{t}.1h.log", $"{t}.24h.log", $"{t}.7d.log", $"{t}.30d.log", $"{t}.idle.days.log" })];
    }

    public IReadOnlyList<string> Names { get; }

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        var state = input.State;
        var nowMs = input.NowMs;
        foreach (var type in _types)
        {
            var slot = state.FindType(type);
            if (slot < 0)
            {
                w.Skip(5);
                w.Log(FeatureInput.MaxDays);
                continue;
            }

            w.Log(state.TypeSlots[slot].Count);
            w.Log(state.WindowSum(slot, TypeSlot.Fine, nowMs, 12));
            w.Log(state.WindowSum(slot, TypeSlot.Hourly, nowMs, 24));
            w.Log(state.WindowSum(slot, TypeSlot.Daily, nowMs, 7));
            w.Log(state.WindowSum(slot, TypeSlot.Daily, nowMs, 30));
            w.Log(FeatureInput.Days(nowMs - state.TypeSlots[slot].LastMs));
        }
    }
}
