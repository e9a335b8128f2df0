namespace Persona.Core.Engine;

/// <summary>A small label → count table (devices, channels), capped in size; allocates nothing until used.</summary>
internal sealed class CountedLabels
{
    public const int Cap = 8;
    private List<KeyValuePair<string, long>>? _items;

    public IReadOnlyList<KeyValuePair<string, long>> Items => _items ?? (IReadOnlyList<KeyValuePair<string, long>>)[];

    public void Add(string label)
    {
        _items ??= new(2);
        for (var i = 0; i < _items.Count; i++)
        {
            if (_items[i].Key == label)
            {
                _items[i] = new(label, _items[i].Value + 1);
                return;
            }
        }

        if (_items.Count < Cap)
        {
            _items.Add(new(label, 1));
        }
        else
        {
            // The table is full: count the overflow under "other" (the last slot).
            var last = _items.Count - 1;
            _items[last] = new("other", _items[last].Value + 1);
        }
    }

    /// <summary>Restores an entry (decoding).</summary>
    public void Restore(string label, long count) => (_items ??= new(2)).Add(new(label, count));

    public CountedLabels Clone()
    {
        var c = new CountedLabels();
        foreach (var (k, v) in Items)
        {
            c.Restore(k, v);
        }

        return c;
    }
}
