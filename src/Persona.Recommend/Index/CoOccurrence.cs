using System.Buffers;

namespace Persona.Recommend.Index;

/// <summary>
/// Item-item co-occurrence kept incrementally from the event stream: each item event is paired with the same
/// user's last few item events (within a time gap), weighted by both events' strength and by how far apart
/// they are in the user's sequence. Similarity is the count normalised by both items' totals (cosine form),
/// so popular items do not neighbour everything. Each item keeps its strongest neighbours only.
/// Not thread-safe: <see cref="RecommendationIndex"/> guards it.
/// </summary>
internal sealed class CoOccurrence(IndexOptions options)
{
    private readonly Dictionary<string, UserWindow> _windows = new(StringComparer.Ordinal);
    private readonly List<Dictionary<int, float>?> _pairs = [];
    private readonly List<float> _totals = [];

    // Each item's neighbours ranked, kept until its pairs change: requests read the same anchors again and again.
    private readonly List<(int Item, float Similarity)[]?> _ranked = [];
    private readonly long _maxGapMs = (long)options.CoOccurrenceMaxGap.TotalMilliseconds;

    public int Users => _windows.Count;

    /// <summary>Drops the user's window of recent items.</summary>
    public void Forget(string userId) => _windows.Remove(userId);

    public void Observe(string userId, int item, float weight, long timeMs)
    {
        Grow(item);
        _totals[item] += weight;
        if (!_windows.TryGetValue(userId, out var window))
        {
            window = new UserWindow(options.CoOccurrenceWindow);
            _windows[userId] = window;
        }

        for (var d = 1; d <= window.Count; d++)
        {
            var (other, otherWeight, otherTime) = window.Back(d);
            if (other == item || Math.Abs(timeMs - otherTime) > _maxGapMs)
            {
                continue;
            }

            var w = MathF.Sqrt(weight * otherWeight) / d;
            Add(item, other, w);
            Add(other, item, w);
        }

        window.Push(item, weight, timeMs);
    }

    /// <summary>
    /// The item's neighbours with their similarity, strongest first, at most <paramref name="take"/>. The ranking
    /// is computed when the item's pairs have changed since it was last asked for (a neighbour's total moving
    /// alone does not re-rank it until then).
    /// </summary>
    public void Neighbours(int item, int take, List<(int Item, float Similarity)> into)
    {
        into.Clear();
        if (item < 0 || item >= _pairs.Count || _pairs[item] is not { } pairs)
        {
            return;
        }

        var ranked = _ranked[item];
        if (ranked is null)
        {
            var ti = _totals[item];
            // Sorted in a pooled buffer, then only the kept neighbours copied: the ranking is redone on the request
            // path whenever the item's pairs change, so its scratch must not be garbage each time.
            var all = ArrayPool<(int Item, float Similarity)>.Shared.Rent(pairs.Count);
            var n = 0;
            foreach (var (j, c) in pairs)
            {
                all[n++] = (j, c / MathF.Sqrt(ti * Math.Max(_totals[j], 1e-6f)));
            }

            all.AsSpan(0, n).Sort(static (a, b) => b.Similarity != a.Similarity ? b.Similarity.CompareTo(a.Similarity) : a.Item.CompareTo(b.Item));
            ranked = all.AsSpan(0, Math.Min(n, options.NeighboursPerItem)).ToArray();
            ArrayPool<(int Item, float Similarity)>.Shared.Return(all);
            _ranked[item] = ranked;
        }

        for (var i = 0; i < Math.Min(take, ranked.Length); i++)
        {
            into.Add(ranked[i]);
        }
    }

    private void Add(int from, int to, float w)
    {
        var pairs = _pairs[from] ??= [];
        pairs[to] = pairs.GetValueOrDefault(to) + w;
        _ranked[from] = null;
        if (pairs.Count > 2 * options.NeighboursPerItem)
        {
            // Keep the strongest half: the weak tail is where new neighbours enter, and it is noise at this count.
            var keep = pairs.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(options.NeighboursPerItem).ToList();
            pairs.Clear();
            foreach (var (k, v) in keep)
            {
                pairs[k] = v;
            }
        }
    }

    private void Grow(int item)
    {
        while (_pairs.Count <= item)
        {
            _pairs.Add(null);
            _totals.Add(0);
            _ranked.Add(null);
        }
    }

    /// <summary>A user's last item events, a small ring.</summary>
    private sealed class UserWindow(int size)
    {
        private readonly (int Item, float Weight, long TimeMs)[] _ring = new (int, float, long)[size];
        private int _next;

        public int Count { get; private set; }

        /// <summary>The event <paramref name="d"/> steps back (1 = the latest).</summary>
        public (int Item, float Weight, long TimeMs) Back(int d) => _ring[((_next - d) % _ring.Length + _ring.Length) % _ring.Length];

        public void Push(int item, float weight, long timeMs)
        {
            // A repeat of the latest item only strengthens it: a user paging through one product is one step.
            if (Count > 0 && Back(1).Item == item)
            {
                var last = Back(1);
                _ring[((_next - 1) % _ring.Length + _ring.Length) % _ring.Length] = (item, Math.Max(last.Weight, weight), timeMs);
                return;
            }

            _ring[_next] = (item, weight, timeMs);
            _next = (_next + 1) % _ring.Length;
            Count = Math.Min(Count + 1, _ring.Length);
        }
    }
}
