using System.Buffers.Binary;
using Persona.Storage.Backend;

namespace Persona.Storage.Dedupe;

/// <summary>
/// The deduplication index's part on disk. When the in-memory index fills, its oldest entries are spilled
/// (in the background) to the backend's <see cref="IEventIdStore"/>, filed under the day of the watermark at
/// their position; the in-memory index then drops them. Every spilled event is no newer than
/// <see cref="WatermarkMs"/>, so only an event at least that old can repeat one of them: the disk is read for
/// late events only, one lookup per day bucket from the event's day to the newest spilled one, and a hit is
/// confirmed against the logged event. Buckets behind the horizon are deleted whole.
/// </summary>
internal sealed class ColdIds(IStoreBackend backend, Func<long, string?> idAt, Action<Exception> failed)
{
    /// <summary>The metadata key of what has been spilled: the position through which, and the watermark there.</summary>
    public const string Key = "dedupe/cold";

    private const long BucketMs = 86_400_000;
    private long _through;
    private long _watermarkMs = long.MinValue;
    private long _lookups;
    private int _deletedThrough = int.MinValue;
    private Task<(long Through, long WatermarkMs)>? _spill;

    /// <summary>Every entry at or before this position is on disk (or behind the horizon).</summary>
    public long Through => Interlocked.Read(ref _through);

    /// <summary>The watermark at <see cref="Through"/>: no spilled event is newer.</summary>
    public long WatermarkMs => Interlocked.Read(ref _watermarkMs);

    /// <summary>Lookups on disk so far (late events only).</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    public bool SpillInFlight => _spill is { IsCompleted: false };

    /// <summary>The day bucket of an event time (Unix ms), rounding down.</summary>
    public static int Bucket(long ms) => (int)Math.Clamp(Math.Floor(ms / (double)BucketMs), int.MinValue + 1, int.MaxValue - 1);

    /// <summary>Reads back what was spilled before (null: nothing).</summary>
    public void Restore(byte[]? value)
    {
        if (value is { Length: 16 })
        {
            Interlocked.Exchange(ref _through, BinaryPrimitives.ReadInt64BigEndian(value));
            Interlocked.Exchange(ref _watermarkMs, BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(8)));
        }
    }

    /// <summary>Whether an event of this time could repeat a spilled one.</summary>
    public bool MayHold(long timestampMs) => timestampMs <= Interlocked.Read(ref _watermarkMs);

    /// <summary>Whether <paramref name="id"/> (an event of time <paramref name="timestampMs"/>) is among the spilled events.</summary>
    public bool Contains(ulong fingerprint, string id, long timestampMs)
    {
        Interlocked.Increment(ref _lookups);
        var seqs = new List<long>(2);
        var last = Bucket(WatermarkMs);
        for (var bucket = Bucket(timestampMs); bucket <= last; bucket++)
        {
            seqs.Clear();
            backend.EventIds.Lookup(bucket, fingerprint, seqs);
            foreach (var seq in seqs)
            {
                if (idAt(seq) == id)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Starts writing <paramref name="entries"/> to disk in the background (sorted there, in place), then records
    /// that everything through <paramref name="through"/> is there.
    /// </summary>
    public void StartSpill(List<EventIdEntry> entries, long through, long watermarkMs)
    {
        _spill = Task.Run(() =>
        {
            try
            {
                entries.Sort((a, b) => a.Bucket != b.Bucket ? a.Bucket.CompareTo(b.Bucket) : a.Fingerprint != b.Fingerprint ? a.Fingerprint.CompareTo(b.Fingerprint) : a.Seq.CompareTo(b.Seq));
                backend.EventIds.Write(entries);
                var value = new byte[16];
                BinaryPrimitives.WriteInt64BigEndian(value, through);
                BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(8), watermarkMs);
                var write = new StoreWrite();
                write.Meta.Add(new KeyedValue(Key, value));
                backend.Commit(write, durable: true);
                return (through, watermarkMs);
            }
            catch (Exception ex)
            {
                failed(ex);
                throw;
            }
        });
    }

    /// <summary>
    /// The spill that has finished (waiting for one in flight when <paramref name="wait"/>): the position through
    /// which entries are on disk now; null when none finished or it failed (the store has failed with it).
    /// </summary>
    public long? Complete(bool wait)
    {
        if (_spill is not { } spill || (!wait && !spill.IsCompleted))
        {
            return null;
        }

        _spill = null;
        try
        {
            var (through, watermark) = spill.GetAwaiter().GetResult();
            Interlocked.Exchange(ref _through, Math.Max(_through, through));
            Interlocked.Exchange(ref _watermarkMs, Math.Max(_watermarkMs, watermark));
            return through;
        }
        catch (Exception)
        {
            return null; // reported when it happened
        }
    }

    /// <summary>Deletes the buckets wholly behind <paramref name="floorMs"/>.</summary>
    public void Expire(long floorMs)
    {
        if (floorMs == long.MinValue)
        {
            return;
        }

        var bucket = Bucket(floorMs) - 1;
        if (bucket > _deletedThrough)
        {
            backend.EventIds.DeleteBucketsThrough(bucket);
            _deletedThrough = bucket;
        }
    }
}
