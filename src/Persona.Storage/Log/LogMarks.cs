using System.Buffers.Binary;
using System.Globalization;
using Persona.Storage.Backend;

namespace Persona.Storage.Log;

/// <summary>
/// Points of the log with the watermark reached there: (position, newest event time accepted up to it). The
/// watermark never decreases along the log, so an event logged at or before a mark has a timestamp no later
/// than the mark's watermark. That is what lets the store drop deduplication entries and delete log records by
/// position while reasoning in event time, without reading the records. Marks are recorded at batch ends and
/// thinned (the older half loses every other mark) to stay within <see cref="MaxMarks"/>; checkpoints store the
/// same set (<see cref="WriteChanges"/>), so a restart finds them without reading the log.
/// </summary>
internal sealed class LogMarks
{
    public const int MaxMarks = 4_096;

    /// <summary>The prefix of the metadata keys marks are stored under.</summary>
    public const string KeyPrefix = "mark/";

    private readonly List<(long Seq, long WatermarkMs)> _marks = [];
    private readonly HashSet<long> _stored = [];

    public int Count => _marks.Count;

    public IReadOnlyList<(long Seq, long WatermarkMs)> All => _marks;

    /// <summary>Records that the log up to <paramref name="seq"/> has watermark <paramref name="watermarkMs"/>.</summary>
    public void Add(long seq, long watermarkMs)
    {
        if (_marks.Count > 0 && _marks[^1].Seq >= seq)
        {
            return;
        }

        _marks.Add((seq, watermarkMs));
        if (_marks.Count > MaxMarks)
        {
            var half = _marks.Count / 2;
            var kept = new List<(long, long)>(_marks.Count);
            for (var i = 0; i < _marks.Count; i++)
            {
                if (i >= half || i % 2 == 1)
                {
                    kept.Add(_marks[i]);
                }
            }

            _marks.Clear();
            _marks.AddRange(kept);
        }
    }

    /// <summary>The newest mark whose watermark is below <paramref name="limitMs"/>: every event at or before it is older than the limit. 0 when there is none.</summary>
    public long LastBelow(long limitMs)
    {
        var lo = 0;
        var hi = _marks.Count - 1;
        var found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (_marks[mid].WatermarkMs < limitMs)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? 0 : _marks[found].Seq;
    }

    /// <summary>The first mark at or after position <paramref name="seq"/>, or null when there is none.</summary>
    public (long Seq, long WatermarkMs)? FirstAtOrAfter(long seq)
    {
        var lo = 0;
        var hi = _marks.Count - 1;
        var found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (_marks[mid].Seq >= seq)
            {
                found = mid;
                hi = mid - 1;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return found < 0 ? null : _marks[found];
    }

    /// <summary>Adds a mark read back from the store (in ascending order).</summary>
    public void Load(string key, ReadOnlySpan<byte> value)
    {
        var seq = long.Parse(key.AsSpan(KeyPrefix.Length), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        _stored.Add(seq);
        Add(seq, BinaryPrimitives.ReadInt64BigEndian(value));
    }

    /// <summary>Adds to <paramref name="meta"/> the changes that make the stored marks equal to these: new marks put, thinned or pruned ones deleted.</summary>
    public void WriteChanges(List<KeyedValue> meta)
    {
        var current = new HashSet<long>(_marks.Count);
        foreach (var (seq, w) in _marks)
        {
            current.Add(seq);
            if (_stored.Add(seq))
            {
                var value = new byte[8];
                BinaryPrimitives.WriteInt64BigEndian(value, w);
                meta.Add(new KeyedValue(Key(seq), value));
            }
        }

        foreach (var seq in _stored.Where(s => !current.Contains(s)).ToList())
        {
            meta.Add(new KeyedValue(Key(seq), null));
            _stored.Remove(seq);
        }
    }

    private static string Key(long seq) => KeyPrefix + seq.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Forgets the marks before position <paramref name="seq"/> but the newest of them.</summary>
    public void Prune(long seq)
    {
        var i = 0;
        while (i + 1 < _marks.Count && _marks[i + 1].Seq <= seq)
        {
            i++;
        }

        if (i > 0)
        {
            _marks.RemoveRange(0, i);
        }
    }
}
