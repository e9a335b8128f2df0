namespace Persona.Core.Engine;

/// <summary>
/// Small label → count tables (device, channel, domain and platform mix), one per kind, capped at <see cref="Cap"/> labels
/// per kind, all in one array that is allocated on first use; a struct held in a field of its profile.
/// </summary>
internal struct CountedLabels
{
    public const int Cap = 8;
    public const byte Device = 0;
    public const byte Channel = 1;
    public const byte Domain = 2;
    public const byte Platform = 3;
    private Entry[]? _items;
    private int _count;

    /// <summary>The labels of a kind with their counts, in a new dictionary (ordinal keys).</summary>
    public readonly Dictionary<string, long> ToDictionary(byte kind)
    {
        var result = new Dictionary<string, long>(CountOf(kind), StringComparer.Ordinal);
        for (var i = 0; i < _count; i++)
        {
            if (_items![i].Kind == kind)
            {
                result[_items[i].Label] = _items[i].Count;
            }
        }

        return result;
    }

    public readonly int CountOf(byte kind)
    {
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            n += _items![i].Kind == kind ? 1 : 0;
        }

        return n;
    }

    public void Add(byte kind, string label)
    {
        var items = _items;
        var ofKind = 0;
        var last = -1;
        for (var i = 0; i < _count; i++)
        {
            if (items![i].Kind != kind)
            {
                continue;
            }

            if (items[i].Label == label)
            {
                items[i].Count++;
                return;
            }

            ofKind++;
            last = i;
        }

        if (ofKind < Cap)
        {
            Append(kind, label, 1);
        }
        else
        {
            // The kind's table is full: count the overflow under "other" (its last slot).
            items![last].Label = "other";
            items[last].Count++;
        }
    }

    /// <summary>Entries of every kind (for encoding without an enumerator).</summary>
    public readonly int Total => _count;

    /// <summary>Entry <paramref name="index"/> of <see cref="Total"/>.</summary>
    public readonly (byte Kind, string Label, long Count) At(int index) => (_items![index].Kind, _items[index].Label, _items[index].Count);

    /// <summary>Restores an entry (decoding).</summary>
    public void Restore(byte kind, string label, long count) => Append(kind, label, count);

    /// <summary>Removes every entry, keeping the array.</summary>
    public void Clear()
    {
        if (_items is not null)
        {
            Array.Clear(_items, 0, _count);
        }

        _count = 0;
    }

    public readonly CountedLabels Clone() => this with { _items = (Entry[]?)_items?.Clone() };

    private void Append(byte kind, string label, long count)
    {
        if (_items is null || _count == _items.Length)
        {
            Array.Resize(ref _items, Math.Min(2 * Cap, Math.Max(2, _count * 2)));
        }

        _items[_count++] = new Entry { Label = label, Count = count, Kind = kind };
    }

    private struct Entry
    {
        public string Label;
        public long Count;
        public byte Kind;
    }
}
