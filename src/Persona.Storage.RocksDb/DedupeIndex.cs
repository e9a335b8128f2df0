using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Persona.Storage.RocksDb;

/// <summary>
/// Exact event-id deduplication over the retained log, in memory: a 64-bit fingerprint of each id maps
/// to the log position of the event; a fingerprint hit is confirmed by reading that event's id from the
/// log, so a fingerprint collision never drops an event. About 24 bytes per retained event; rebuilt
/// from the log when the store opens. Split into <see cref="Shards"/> shards by fingerprint so that
/// several threads can add to disjoint shards at once; lookups are safe while nothing is added.
/// </summary>
internal sealed class DedupeIndex
{
    public const int Shards = 16;
    private readonly Dictionary<ulong, long>[] _first = [.. Enumerable.Range(0, Shards).Select(_ => new Dictionary<ulong, long>())];
    private readonly Dictionary<ulong, List<long>>[] _more = [.. Enumerable.Range(0, Shards).Select(_ => new Dictionary<ulong, List<long>>())];

    public int Count => _first.Sum(f => f.Count) + _more.Sum(m => m.Sum(x => x.Value.Count));

    public static ulong Fingerprint(string id) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(id.AsSpan()));

    /// <summary>The shard a fingerprint belongs to.</summary>
    public static int ShardOf(ulong fingerprint) => (int)(fingerprint >> 60);

    /// <summary>Whether <paramref name="id"/> is in the log; <paramref name="idAt"/> reads the event id at a position.</summary>
    public bool Contains(string id, Func<long, string?> idAt) => Contains(Fingerprint(id), id, idAt);

    /// <inheritdoc cref="Contains(string, Func{long, string?})"/>
    public bool Contains(ulong fp, string id, Func<long, string?> idAt)
    {
        var shard = ShardOf(fp);
        if (!_first[shard].TryGetValue(fp, out var seq))
        {
            return false;
        }

        if (idAt(seq) == id)
        {
            return true;
        }

        return _more[shard].TryGetValue(fp, out var others) && others.Any(s => idAt(s) == id);
    }

    public void Add(string id, long seq) => Add(Fingerprint(id), seq);

    /// <summary>Adds a position under a fingerprint; concurrent calls must be for different shards.</summary>
    public void Add(ulong fp, long seq)
    {
        var shard = ShardOf(fp);
        if (!_first[shard].TryAdd(fp, seq))
        {
            if (!_more[shard].TryGetValue(fp, out var others))
            {
                others = [];
                _more[shard][fp] = others;
            }

            others.Add(seq);
        }
    }

    public void Remove(string id, long seq)
    {
        var fp = Fingerprint(id);
        var shard = ShardOf(fp);
        var first = _first[shard];
        var more = _more[shard];
        if (more.TryGetValue(fp, out var others) && others.Remove(seq))
        {
            if (others.Count == 0)
            {
                more.Remove(fp);
            }

            return;
        }

        if (first.TryGetValue(fp, out var s) && s == seq)
        {
            first.Remove(fp);
            if (more.TryGetValue(fp, out others))
            {
                first[fp] = others[0];
                others.RemoveAt(0);
                if (others.Count == 0)
                {
                    more.Remove(fp);
                }
            }
        }
    }
}
