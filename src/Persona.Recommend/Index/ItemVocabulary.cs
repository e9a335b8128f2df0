namespace Persona.Recommend.Index;

/// <summary>Dense ids (0, 1, ...) for item ids, in order of first sight. Not thread-safe: the index guards it.</summary>
public sealed class ItemVocabulary
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _items = [];

    public int Count => _items.Count;

    public string this[int id] => _items[id];

    public int IdOf(string itemId)
    {
        if (!_ids.TryGetValue(itemId, out var id))
        {
            id = _items.Count;
            _ids[itemId] = id;
            _items.Add(itemId);
        }

        return id;
    }

    /// <summary>The item ids by dense id, as of now.</summary>
    public string[] Snapshot() => [.. _items];

    public int Find(string itemId) => _ids.GetValueOrDefault(itemId, -1);
}
