namespace Persona.Core.Engine;

/// <summary>
/// A small label → count table (devices, channels), capped in size; a struct held in a field of its
/// profile, with one array that is allocated on first use.
/// </summary>
internal struct CountedLabels
{
    public const int Cap = 8;
    private KeyValuePair<string, long>[]? _items;
    private int _count;

    public readonly int Count => _count;

    public readonly KeyValuePair<string, long> this[int index] => _items![index];

    public readonly IEnumerable<KeyValuePair<string, long>> Items => _items is null ? [] : _items.Take(_count);

    public void Add(string label)
    {
        var items = _items ??= new KeyValuePair<string, long>[2];
        for (var i = 0; i < _count; i++)
        {
            if (items[i].Key == label)
            {
                items[i] = new(items[i].Key, items[i].Value + 1);
                return;
            }
        }

        if (_count < Cap)
        {
            Append(label, 1);
        }
        else
        {
            // The table is full: count the overflow under "other" (the last slot).
            var last = _count - 1;
            items[last] = new("other", items[last].Value + 1);
        }
    }

    /// <summary>Restores an entry (decoding).</summary>
    public void Restore(string label, long count) => Append(label, count);

    public readonly CountedLabels Clone() => this with { _items = (KeyValuePair<string, long>[]?)_items?.Clone() };

    private void Append(string label, long count)
    {
        if (_items is null || _count == _items.Length)
        {
            Array.Resize(ref _items, Math.Min(Cap, Math.Max(2, _count * 2)));
        }

        _items[_count++] = new(label, count);
    }
}
