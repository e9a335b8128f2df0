namespace Persona.Recommend.Feedback;

/// <summary>
/// The latest answers by recommendation id, for attribution: a bounded table in which the oldest answer
/// leaves first. A click or purchase on an answer that has left is not attributed. Safe for concurrent use.
/// Answers are kept without their candidate features: attribution does not read them, and they are most of an
/// answer's objects (one array per item), which the collector would otherwise promote and visit for as long as
/// the answer is kept (1,000,000 answers by default, over a gigabyte of feature arrays).
/// </summary>
public sealed class ImpressionBook(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byId.Count;
            }
        }
    }

    public void Add(Impression impression)
    {
        ArgumentNullException.ThrowIfNull(impression);
        lock (_lock)
        {
            var kept = impression.Features is null ? impression : impression with { Features = null };
            if (!_byId.TryAdd(impression.RecommendationId, new Entry(kept)))
            {
                return;
            }

            _order.Enqueue(impression.RecommendationId);
            while (_byId.Count > capacity && _order.TryDequeue(out var oldest))
            {
                _byId.Remove(oldest);
            }
        }
    }

    /// <summary>Drops the answers shown to <paramref name="userId"/> (as impressions name them); returns how many.</summary>
    public int Forget(string userId)
    {
        lock (_lock)
        {
            var ids = _byId.Where(kv => kv.Value.Impression.UserId == userId).Select(kv => kv.Key).ToList();
            foreach (var id in ids)
            {
                _byId.Remove(id);
            }

            return ids.Count; // their ids leave the order queue when they reach its front
        }
    }

    public Impression? Find(string recommendationId)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(recommendationId, out var e) ? e.Impression : null;
        }
    }

    /// <summary>Marks (item, outcome) as attributed on the answer; false when it already was (a second click on the same item counts once) or the answer is unknown.</summary>
    public bool TryAttribute(string recommendationId, string itemId, string outcome)
    {
        lock (_lock)
        {
            if (!_byId.TryGetValue(recommendationId, out var e))
            {
                return false;
            }

            e.Attributed ??= new HashSet<string>(StringComparer.Ordinal);
            return e.Attributed.Add(outcome + "\n" + itemId);
        }
    }

    /// <summary>An answer kept, and the (outcome, item) pairs attributed to it: made at the first attribution, as most answers get none.</summary>
    private sealed record Entry(Impression Impression)
    {
        public HashSet<string>? Attributed { get; set; }
    }
}
