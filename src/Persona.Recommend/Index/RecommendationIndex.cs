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

    /// <summary>Takes in events in log order (one writer). Events without an item, and removals, impressions and searches, leave the sources as they are.</summary>
    public void Observe(IEnumerable<BehaviorEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var n = 0;
        lock (_lock)
        {
            foreach (var e in events)
            {
                n++;
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

        Interlocked.Add(ref _observed, n);
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

    /// <summary>Rebuilds the ranked lists now.</summary>
    public void Refresh()
    {
        lock (_lock)
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
        var scored = new List<int>(_trending.Count);
        for (var i = 0; i < _trending.Count; i++)
        {
            if (_trending.Score(i) > 0)
            {
                scored.Add(i);
            }
        }

        scored.Sort((a, b) =>
        {
            var c = _trending.Score(b).CompareTo(_trending.Score(a));
            return c != 0 ? c : a.CompareTo(b);
        });
        var byFeature = new Dictionary<ulong, List<int>>();
        foreach (var item in scored)
        {
            if (Catalog.Find(_items[item]) is { } features)
            {
                foreach (var f in features.Features)
                {
                    if (FeatureId.KindOf(f) is FeatureKind.Category or FeatureKind.Brand)
                    {
                        if (!byFeature.TryGetValue(f, out var list))
                        {
                            list = [];
                            byFeature[f] = list;
                        }

                        if (list.Count < FeatureListLength)
                        {
                            list.Add(item);
                        }
                    }
                }
            }
        }

        var newByFeature = new Dictionary<ulong, List<int>>();
        var newItems = new List<int>();
        var index = Catalog;
        foreach (var record in index.Records.OrderBy(r => r.ItemId, StringComparer.Ordinal))
        {
            if (!record.InStock)
            {
                continue;
            }

            var known = _items.Find(record.ItemId);
            if (known >= 0 && _trending.Events(known) >= Options.NewItemMaxEvents)
            {
                continue;
            }

            var item = known >= 0 ? known : _items.IdOf(record.ItemId);
            newItems.Add(item);
            if (index.Find(record.ItemId) is { } features)
            {
                foreach (var f in features.Features)
                {
                    if (FeatureId.KindOf(f) is FeatureKind.Category or FeatureKind.Brand)
                    {
                        if (!newByFeature.TryGetValue(f, out var list))
                        {
                            list = [];
                            newByFeature[f] = list;
                        }

                        if (list.Count < FeatureListLength)
                        {
                            list.Add(item);
                        }
                    }
                }
            }
        }

        return new RankedLists(
            [.. scored.Take(ListLength)],
            byFeature.ToDictionary(p => p.Key, p => p.Value.ToArray()),
            newByFeature.ToDictionary(p => p.Key, p => p.Value.ToArray()),
            [.. newItems.Take(ListLength)],
            scored.Count > 0 ? _trending.Score(scored[0]) : 0,
            _clock.GetTimestamp(),
            Catalog.Count);
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
