using Persona.Core.Catalog;
using Persona.Core.Events;

namespace Persona.Recommend.Index;

/// <summary>
/// The candidate sources kept from the event stream, with no nightly batch: item co-occurrence, time-decayed
/// trending (overall, per category node and per brand), new arrivals, and who bought what. Fed in log order by
/// one writer (<see cref="Observe"/>); read by many requests. Everything in it is a function of the events
/// observed and the catalog, so a service rebuilds it by reading its retained log, and offline evaluation
/// builds it by replaying the same events.
/// </summary>
public sealed class RecommendationIndex
{
    private const int ListLength = 200;
    private const int FeatureListLength = 60;
    private readonly Lock _lock = new();
    private readonly Lock _refreshLock = new();
    private readonly ItemVocabulary _items = new();
    private readonly CoOccurrence _cooc;
    private readonly Trending _trending;
    private readonly PurchaseHistory _purchases = new();
    private readonly TimeProvider _clock;
    private RankedLists _lists = RankedLists.Empty;
    private long _observed;

    public RecommendationIndex(CatalogIndex catalog, IndexOptions? options = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Options = options ?? new IndexOptions();
        Options.Validate();
        Catalog = catalog;
        _clock = clock ?? TimeProvider.System;
        _cooc = new CoOccurrence(Options);
        _trending = new Trending(Options);
    }

    public IndexOptions Options { get; }

    public CatalogIndex Catalog { get; }

    /// <summary>Events observed so far.</summary>
    public long Observed => Interlocked.Read(ref _observed);

    /// <summary>Items known to the index (from events and from the catalog lists).</summary>
    public int ItemCount
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>
    /// Takes in events in log order (one writer). Events without an item, and removals, impressions and searches,
    /// leave the sources as they are. The lock is taken per chunk of <see cref="ChunkSize"/> events, so a long page
    /// never holds requests back for long.
    /// </summary>
    public void Observe(IEnumerable<BehaviorEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var chunk = new List<BehaviorEvent>(ChunkSize);
        foreach (var e in events)
        {
            chunk.Add(e);
            if (chunk.Count == ChunkSize)
            {
                ObserveChunk(chunk);
                chunk.Clear();
            }
        }

        ObserveChunk(chunk);
    }

    /// <summary>
    /// Drops what the index keeps about one user (an erasure): their recent items and their purchases. Item
    /// totals and pair counts they added stay, as counts over every user that name no one.
    /// </summary>
    public void Forget(string userId)
    {
        lock (_lock)
        {
            _cooc.Forget(userId);
            _purchases.Forget(userId);
        }
    }

    /// <summary>Events applied per hold of the index's lock.</summary>
    public const int ChunkSize = 256;

    private void ObserveChunk(List<BehaviorEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var e in events)
            {
                if (e.ItemId is null)
                {
                    continue;
                }

                var weight = EventWeights.Of(e.Type);
                if (weight <= 0)
                {
                    continue;
                }

                var item = _items.IdOf(e.ItemId);
                _trending.Observe(item, weight, e.TimestampMs);
                _cooc.Observe(e.UserId, item, weight, e.TimestampMs);
                if (e.BuiltInType == EventType.Purchase)
                {
                    _purchases.Observe(e.UserId, item);
                }
            }
        }

        Interlocked.Add(ref _observed, events.Count);
    }

    /// <summary>Rebuilds the ranked lists when older than <see cref="IndexOptions.TrendingRefresh"/> or when the catalog grew; the writer calls it between pages.</summary>
    public void RefreshIfDue()
    {
        var lists = Volatile.Read(ref _lists);
        if (_clock.GetElapsedTime(lists.BuiltTicks) >= Options.TrendingRefresh || lists.CatalogCount != Catalog.Count || lists.BuiltTicks == long.MinValue)
        {
            Refresh();
        }
    }

    /// <summary>
    /// Rebuilds the ranked lists now. The scores are copied under the lock (a memory copy), the lists are built
    /// from the copy outside it, and only catalog items new to the index are registered under it again, so
    /// requests wait for a copy, not for a build.
    /// </summary>
    public void Refresh()
    {
        lock (_refreshLock)
        {
            Volatile.Write(ref _lists, Build());
        }
    }

    internal RankedLists Lists
    {
        get
        {
            var lists = Volatile.Read(ref _lists);
            if (lists.BuiltTicks == long.MinValue)
            {
                Refresh();
                lists = Volatile.Read(ref _lists);
            }

            return lists;
        }
    }

    /// <summary>Runs <paramref name="read"/> under the index's lock: candidate generation reads several sources as of one moment.</summary>
    internal T Read<T>(Func<Reader, T> read)
    {
        lock (_lock)
        {
            return read(new Reader(this));
        }
    }

    private RankedLists Build()
    {
        string[] ids;
        double[] scores;
        int[] counts;
        lock (_lock)
        {
            ids = _items.Snapshot();
            (scores, counts) = _trending.Snapshot();
        }

        var scored = new List<int>(scores.Length);
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > 0)
            {
                scored.Add(i);
            }
        }

        scored.Sort((a, b) =>
        {
            var c = scores[b].CompareTo(scores[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        var byFeature = new Dictionary<ulong, List<int>>();
        foreach (var item in scored)
        {
            if (Catalog.Find(ids[item]) is { } features)
            {
                AddToFeatures(byFeature, features, item);
            }
        }

        // New arrivals: in stock, with fewer events than the threshold (none at all for items only the catalog knows).
        var known = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            known[ids[i]] = i;
        }

        var fresh = new List<string>();
        foreach (var record in Catalog.Records)
        {
            if (record.InStock && (!known.TryGetValue(record.ItemId, out var i) || i >= counts.Length || counts[i] < Options.NewItemMaxEvents))
            {
                fresh.Add(record.ItemId);
            }
        }

        fresh.Sort(StringComparer.Ordinal);
        var freshIds = new int[fresh.Count];
        if (fresh.Any(f => !known.ContainsKey(f)))
        {
            lock (_lock)
            {
                for (var i = 0; i < fresh.Count; i++)
                {
                    freshIds[i] = _items.IdOf(fresh[i]);
                }
            }
        }
        else
        {
            for (var i = 0; i < fresh.Count; i++)
            {
                freshIds[i] = known[fresh[i]];
            }
        }

        var newByFeature = new Dictionary<ulong, List<int>>();
        for (var i = 0; i < fresh.Count; i++)
        {
            if (Catalog.Find(fresh[i]) is { } features)
            {
                AddToFeatures(newByFeature, features, freshIds[i]);
            }
        }

        return new RankedLists(
            [.. scored.Take(ListLength)],
            byFeature.ToDictionary(p => p.Key, p => p.Value.ToArray()),
            newByFeature.ToDictionary(p => p.Key, p => p.Value.ToArray()),
            [.. freshIds.Take(ListLength)],
            scored.Count > 0 ? scores[scored[0]] : 0,
            _clock.GetTimestamp(),
            Catalog.Count);
    }

    private static void AddToFeatures(Dictionary<ulong, List<int>> lists, ItemFeatures features, int item)
    {
        foreach (var f in features.Features)
        {
            if (FeatureId.KindOf(f) is FeatureKind.Category or FeatureKind.Brand)
            {
                if (!lists.TryGetValue(f, out var list))
                {
                    list = [];
                    lists[f] = list;
                }

                if (list.Count < FeatureListLength)
                {
                    list.Add(item);
                }
            }
        }
    }

    /// <summary>A view of the sources under the index's lock.</summary>
    internal readonly struct Reader(RecommendationIndex index)
    {
        public string ItemId(int item) => index._items[item];

        public int Find(string itemId) => index._items.Find(itemId);

        public double Trending(int item) => index._trending.Score(item);

        public int Events(int item) => index._trending.Events(item);

        public void Neighbours(int item, int take, List<(int Item, float Similarity)> into) => index._cooc.Neighbours(item, take, into);

        public IReadOnlyDictionary<int, int>? Purchases(string userId) => index._purchases.Of(userId);

        public double RepurchaseRate(int item) => index._purchases.RepurchaseRate(item);
    }
}
