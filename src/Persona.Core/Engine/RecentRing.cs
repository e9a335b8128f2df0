using System.Collections;

namespace Persona.Core.Engine;

/// <summary>
/// The recent item sequence: the newest <c>max</c> item events by (time, tiebreak), oldest first, in a
/// ring buffer so that appending the newest event and dropping the oldest costs O(1).
/// </summary>
internal sealed class RecentRing : IReadOnlyList<RecentItem>
{
    private RecentItem[] _items = [];
    private int _start;

    public int Count { get; private set; }

    public RecentItem this[int index] => _items[(_start + index) % _items.Length];

    /// <summary>Inserts in order; when full, the oldest entry goes (or the newcomer, if it is the oldest).</summary>
    public void Insert(RecentItem item, int max)
    {
        var i = Count;
        while (i > 0 && Compare(this[i - 1], item) > 0)
        {
            i--;
        }

        if (Count >= max)
        {
            if (i == 0)
            {
                return; // older than everything kept
            }

            _start = (_start + 1) % _items.Length;
            Count--;
            i--;
        }
        else if (Count == _items.Length)
        {
            Grow(Math.Min(max, Math.Max(4, _items.Length * 2)));
        }

        for (var j = Count; j > i; j--)
        {
            _items[(_start + j) % _items.Length] = this[j - 1];
        }

        _items[(_start + i) % _items.Length] = item;
        Count++;
    }

    /// <summary>Appends an entry known to be the newest (decoding).</summary>
    public void Append(RecentItem item)
    {
        if (Count == _items.Length)
        {
            Grow(Math.Max(4, _items.Length * 2));
        }

        _items[(_start + Count) % _items.Length] = item;
        Count++;
    }

    public RecentRing Clone()
    {
        var c = new RecentRing();
        foreach (var item in this)
        {
            c.Append(item);
        }

        return c;
    }

    public IEnumerator<RecentItem> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

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
