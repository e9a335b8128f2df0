namespace Persona.Recommend.Feedback;

/// <summary>
/// The latest answers by recommendation id, for attribution: a bounded table in which the oldest answer
/// leaves first. A click or purchase on an answer that has left is not attributed. Safe for concurrent use.
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
            if (!_byId.TryAdd(impression.RecommendationId, new Entry(impression)))
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
            return _byId.TryGetValue(recommendationId, out var e) && e.Attributed.Add(outcome + "\n" + itemId);
        }
    }

    private sealed record Entry(Impression Impression)
    {
        public HashSet<string> Attributed { get; } = new(StringComparer.Ordinal);
    }
}
