using System.Runtime.CompilerServices;

namespace Persona.Core.Engine;

/// <summary>
/// Per event type: total count, last time, and three windowed counters: 5-minute buckets (the 1 h window
/// is the current bucket and the 11 before it), hourly buckets (24 h) and daily UTC buckets (7 d, 30 d).
/// A struct stored inline in the profile's slot array; the counters' pairs live in the profile's shared array.
/// </summary>
internal struct TypeSlot
{
    public const int Fine = 0;
    public const int Hourly = 1;
    public const int Daily = 2;

    public long Count;
    public long LastMs;
    public CounterSegments Counters;
    public byte Type;

    /// <summary>Bucket width of each counter.</summary>
    public static long WidthMs(int counter) => counter switch { Fine => 5 * 60_000L, Hourly => 3_600_000L, _ => 86_400_000L };

    /// <summary>Buckets each counter keeps, relative to its newest bucket.</summary>
    public static int Keep(int counter) => counter switch { Fine => 13, Hourly => 25, _ => 31 };

    /// <summary>The bucket holding <paramref name="timeMs"/> (floor division, so negative times work too).</summary>
    public static int Bucket(long timeMs, int counter)
    {
        var width = WidthMs(counter);
        return (int)(timeMs >= 0 ? timeMs / width : ((timeMs + 1) / width) - 1);
    }
}

/// <summary>The three counters of a type, inline.</summary>
[InlineArray(3)]
internal struct CounterSegments
{
    private CounterSegment _element;
}
