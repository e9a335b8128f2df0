using System.Collections.Concurrent;

namespace Persona.Recommend.Feedback;

/// <summary>
/// Online statistics of recommendations: impressions and clicks by item and by position, and attributed
/// purchases. Safe for concurrent use (impressions come from requests, clicks from the log follower).
/// </summary>
public sealed class ItemStats
{
    private const int Positions = 100;
    private readonly ConcurrentDictionary<string, Counts> _items = new(StringComparer.Ordinal);
    private readonly long[] _impressionsAt = new long[Positions];
    private readonly long[] _clicksAt = new long[Positions];
    private long _impressions;
    private long _clicks;

    public long Impressions => Interlocked.Read(ref _impressions);

    public long Clicks => Interlocked.Read(ref _clicks);

    public void Impression(string itemId, int position)
    {
        Interlocked.Increment(ref _items.GetOrAdd(itemId, _ => new Counts()).Impressions);
        Interlocked.Increment(ref _impressionsAt[Math.Min(position, Positions - 1)]);
        Interlocked.Increment(ref _impressions);
    }

    public void Click(string itemId, int position)
    {
        Interlocked.Increment(ref _items.GetOrAdd(itemId, _ => new Counts()).Clicks);
        Interlocked.Increment(ref _clicksAt[Math.Min(position, Positions - 1)]);
        Interlocked.Increment(ref _clicks);
    }

    public void Purchase(string itemId) => Interlocked.Increment(ref _items.GetOrAdd(itemId, _ => new Counts()).Purchases);

    /// <summary>The item's (impressions, clicks, attributed purchases).</summary>
    public (long Impressions, long Clicks, long Purchases) Of(string itemId) =>
        _items.TryGetValue(itemId, out var c) ? (Interlocked.Read(ref c.Impressions), Interlocked.Read(ref c.Clicks), Interlocked.Read(ref c.Purchases)) : (0, 0, 0);

    /// <summary>
    /// The item's click-through rate relative to the overall one, smoothed with 20 prior impressions at the
    /// overall rate and squashed to [0, 1] (0.5 = average): an item shown a few times tells little.
    /// </summary>
    public float Lift(string itemId)
    {
        var total = Impressions;
        if (total == 0 || !_items.TryGetValue(itemId, out var c))
        {
            return 0.5f;
        }

        var overall = (Clicks + 1.0) / (total + 2.0);
        var rate = (Interlocked.Read(ref c.Clicks) + (20 * overall)) / (Interlocked.Read(ref c.Impressions) + 20.0);
        var ratio = rate / overall;
        return (float)(ratio / (1 + ratio));
    }

    /// <summary>Click-through rate by position (0-based), up to the last position shown.</summary>
    public IReadOnlyList<(long Impressions, long Clicks)> ByPosition()
    {
        var last = Positions - 1;
        while (last >= 0 && Interlocked.Read(ref _impressionsAt[last]) == 0)
        {
            last--;
        }

        return [.. Enumerable.Range(0, last + 1).Select(p => (Interlocked.Read(ref _impressionsAt[p]), Interlocked.Read(ref _clicksAt[p])))];
    }

    /// <summary>The items shown most, with their counts.</summary>
    public IReadOnlyList<(string ItemId, long Impressions, long Clicks, long Purchases)> Top(int n) =>
        [.. _items.Select(p => (p.Key, Interlocked.Read(ref p.Value.Impressions), Interlocked.Read(ref p.Value.Clicks), Interlocked.Read(ref p.Value.Purchases)))
            .OrderByDescending(t => t.Item2).ThenBy(t => t.Key, StringComparer.Ordinal).Take(n)];

    private sealed class Counts
    {
#pragma warning disable SA1401, CA1051 // counters updated with Interlocked
        public long Impressions;
        public long Clicks;
        public long Purchases;
#pragma warning restore SA1401, CA1051
    }
}
