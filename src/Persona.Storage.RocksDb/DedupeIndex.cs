using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Persona.Storage.RocksDb;

/// <summary>
/// Exact event-id deduplication over the retained log, in memory: a 64-bit fingerprint of each id maps
/// to the log position of the event; a fingerprint hit is confirmed by reading that event's id from the
/// log, so a fingerprint collision never drops an event. About 24 bytes per retained event; rebuilt
/// from the log when the store opens.
/// </summary>
internal sealed class DedupeIndex
{
    private readonly Dictionary<ulong, long> _first = [];
    private readonly Dictionary<ulong, List<long>> _more = [];

    public int Count => _first.Count + _more.Sum(m => m.Value.Count);

    /// <summary>Whether <paramref name="id"/> is in the log; <paramref name="idAt"/> reads the event id at a position.</summary>
    public bool Contains(string id, Func<long, string?> idAt)
    {
        var fp = Fingerprint(id);
        if (!_first.TryGetValue(fp, out var seq))
        {
            return false;
        }

        if (idAt(seq) == id)
        {
            return true;
        }

        return _more.TryGetValue(fp, out var others) && others.Any(s => idAt(s) == id);
    }

    public void Add(string id, long seq)
    {
        var fp = Fingerprint(id);
        if (!_first.TryAdd(fp, seq))
        {
            if (!_more.TryGetValue(fp, out var others))
            {
                others = [];
                _more[fp] = others;
            }

            others.Add(seq);
        }
    }

    public void Remove(string id, long seq)
    {
        var fp = Fingerprint(id);
        if (_more.TryGetValue(fp, out var others) && others.Remove(seq))
        {
            if (others.Count == 0)
            {
                _more.Remove(fp);
            }

            return;
        }

        if (_first.TryGetValue(fp, out var s) && s == seq)
        {
            _first.Remove(fp);
            if (_more.TryGetValue(fp, out others))
            {
                _first[fp] = others[0];
                others.RemoveAt(0);
                if (others.Count == 0)
                {
                    _more.Remove(fp);
                }
            }
        }
    }

    private static ulong Fingerprint(string id) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(id.AsSpan()));
}
