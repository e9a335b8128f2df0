using System.Collections;

namespace Persona.Core.Engine;

/// <summary>
/// The recent item sequence: the newest <c>max</c> item events by (time, tiebreak), oldest first, in a
/// ring buffer so that appending the newest event and dropping the oldest costs O(1). A struct held in a
/// field of its profile.
/// </summary>
internal struct RecentRing : IReadOnlyList<RecentItem>
{
    private RecentItem[]? _items;
    private int _start;

    public int Count { readonly get; private set; }

    public readonly RecentItem this[int index] => _items![(_start + index) % _items.Length];

    /// <summary>Inserts in order; when full, the oldest entry goes (or the newcomer, if it is the oldest).</summary>
    public void Insert(RecentItem item, int max)
    {
        var i = Count;
        while (i > 0 && Compare(this[i - 1], item) > 0)
        {
            i--;
        }

        var capacity = _items?.Length ?? 0;
        if (Count >= max)
        {
            if (i == 0)
            {
                return; // older than everything kept
            }

            _start = (_start + 1) % capacity;
            Count--;
            i--;
        }
        else if (Count == capacity)
        {
            Grow(Math.Min(max, Math.Max(4, capacity * 2)));
            capacity = _items!.Length;
        }

        var items = _items!;
        for (var j = Count; j > i; j--)
        {
            items[(_start + j) % capacity] = this[j - 1];
        }

        items[(_start + i) % capacity] = item;
        Count++;
    }

    /// <summary>Makes room for <paramref name="capacity"/> entries at once (decoding a ring of known length).</summary>
    public void Reserve(int capacity)
    {
        if (capacity > (_items?.Length ?? 0))
        {
            Grow(capacity);
        }
    }

    /// <summary>Appends an entry known to be the newest (decoding).</summary>
    public void Append(RecentItem item)
    {
        var capacity = _items?.Length ?? 0;
        if (Count == capacity)
        {
            Grow(Math.Max(4, capacity * 2));
        }

        _items![(_start + Count) % _items.Length] = item;
        Count++;
    }

    /// <summary>Removes every entry, keeping the array.</summary>
    public void Clear()
    {
        if (_items is not null)
        {
            Array.Clear(_items);
        }

        _start = 0;
        Count = 0;
    }

    public readonly RecentRing Clone() => this with { _items = (RecentItem[]?)_items?.Clone() };

    public readonly IEnumerator<RecentItem> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    readonly IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int Compare(RecentItem a, RecentItem b) =>
        a.TimeMs != b.TimeMs ? a.TimeMs.CompareTo(b.TimeMs) : a.Tiebreak.CompareTo(b.Tiebreak);

    private void Grow(int capacity)
    {
        var items = new RecentItem[capacity];
        for (var i = 0; i < Count; i++)
        {
            items[i] = this[i];
        }

        _items = items;
        _start = 0;
    }
}
