namespace Persona.Core.Engine;

/// <summary>Per event type: total count, last time, and windowed counters (1 h, 24 h, 7 d / 30 d).</summary>
internal sealed class TypeStats
{
    public const long FiveMinutes = 5 * 60_000L;
    public const long Hour = 3_600_000L;
    public const long Day = 86_400_000L;

    public TypeStats(byte type)
    {
        Type = type;
    }

    public byte Type { get; }

    public long Count { get; set; }

    public long LastMs { get; set; } = long.MinValue;

    /// <summary>5-minute buckets; the 1 h window is the current bucket and the 11 before it.</summary>
#pragma warning disable SA1401, CA1051 // mutable struct fields, updated in place
    public WindowCounter Fine = new(FiveMinutes, 13);

    /// <summary>Hourly buckets; the 24 h window is the current hour and the 23 before it.</summary>
    public WindowCounter Hourly = new(Hour, 25);

    /// <summary>Daily buckets (UTC days) for the 7 d and 30 d windows.</summary>
    public WindowCounter Daily = new(Day, 31);
#pragma warning restore SA1401, CA1051

    public void Add(long timeMs)
    {
        Count++;
        if (timeMs > LastMs)
        {
            LastMs = timeMs;
        }

        Fine.Add(timeMs);
        Hourly.Add(timeMs);
        Daily.Add(timeMs);
    }

    public TypeStats Clone() => new(Type)
    {
        Count = Count,
        LastMs = LastMs,
        Fine = Fine.Clone(),
        Hourly = Hourly.Clone(),
        Daily = Daily.Clone(),
    };
}
