using System.Buffers.Binary;
using Persona.Storage.Backend;

namespace Persona.Storage.Dedupe;

/// <summary>
/// The deduplication index's part on disk. When the in-memory index fills, its oldest entries are spilled to
/// the backend's <see cref="IEventIdStore"/>, filed under the day of the watermark at their position; once a
/// spill is written, the in-memory index drops them. Every spilled event is no newer than
/// <see cref="WatermarkMs"/>, so only an event at least that old can repeat one of them: the disk is read for
/// late events only, over the day buckets from the event's day to the newest spilled one, and a hit is
/// confirmed against the logged event. Buckets behind the horizon are deleted whole.
/// </summary>
/// <remarks>
/// A spill is collected one index shard per batch, under the store's write lock (so that no batch waits for
/// a whole scan), and each shard's entries are written on a thread of its own as they come; the record of the
/// position through which entries are on disk, with the floor in force then, is committed after the last. The
/// floor goes with it because the in-memory index may have dropped entries it never spilled (when it filled
/// before a spill could finish): those are older than that floor, which a reopen must keep refusing.
/// </remarks>
internal sealed class ColdIds(IStoreBackend backend, Func<long, string?> idAt, Func<long> floorMs, Action<Exception> failed)
{
    /// <summary>The metadata key of what has been spilled: through which position, the watermark and floor then, the first bucket.</summary>
    public const string Key = "dedupe/cold";

    private const long BucketMs = 86_400_000;
    private long _through;
    private long _watermarkMs = long.MinValue;
    private long _floorMs = long.MinValue;
    private int _firstBucket = int.MaxValue;
    private long _lookups;
    private int _deletedThrough = int.MinValue;
    private Spill? _spill;

    /// <summary>Every entry at or before this position is on disk, or older than <see cref="FloorMs"/>.</summary>
    public long Through => Interlocked.Read(ref _through);

    /// <summary>The watermark at <see cref="Through"/>: no spilled event is newer.</summary>
    public long WatermarkMs => Interlocked.Read(ref _watermarkMs);

    /// <summary>The floor in force when the last spill was recorded (a reopen keeps refusing what it refused).</summary>
    public long FloorMs => Interlocked.Read(ref _floorMs);

    /// <summary>Lookups on disk so far (late events only).</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    /// <summary>Whether a spill is being collected or written (or has finished and is not yet taken in).</summary>
    public bool Spilling => _spill is not null;

    /// <summary>The day bucket of an event time (Unix ms), rounding down.</summary>
    public static int Bucket(long ms) => (int)Math.Clamp(Math.Floor(ms / (double)BucketMs), int.MinValue + 1, int.MaxValue - 1);

    /// <summary>Reads back what was spilled before (null: nothing).</summary>
    public void Restore(byte[]? value)
    {
        if (value is { Length: 28 })
        {
            Interlocked.Exchange(ref _through, BinaryPrimitives.ReadInt64BigEndian(value));
            Interlocked.Exchange(ref _watermarkMs, BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(8)));
            Interlocked.Exchange(ref _floorMs, BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(16)));
            _firstBucket = BinaryPrimitives.ReadInt32BigEndian(value.AsSpan(24));
        }
    }

    /// <summary>Whether an event of this time could repeat a spilled one.</summary>
    public bool MayHold(long timestampMs) => timestampMs <= Interlocked.Read(ref _watermarkMs);

    /// <summary>Whether <paramref name="id"/> (an event of time <paramref name="timestampMs"/>) is among the spilled events.</summary>
    public bool Contains(ulong fingerprint, string id, long timestampMs)
    {
        Interlocked.Increment(ref _lookups);
        var from = Math.Max(Bucket(timestampMs), Math.Max(Volatile.Read(ref _firstBucket), Volatile.Read(ref _deletedThrough) + 1));
        var seqs = new List<long>(2);
        backend.EventIds.Lookup(from, Bucket(WatermarkMs), fingerprint, seqs);
        foreach (var seq in seqs)
        {
            if (idAt(seq) == id)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Starts a spill of the entries through <paramref name="through"/> (a mark with watermark <paramref name="watermarkMs"/>).</summary>
    public void Begin(long through, long watermarkMs) => _spill = new Spill(through, watermarkMs);

    /// <summary>
    /// Collects the next shard of the spill (its entries after <paramref name="after"/>) and queues its write;
    /// after the last shard, queues the record. <paramref name="bucketOf"/> gives a position's bucket, which is
    /// capped at the day of the spill's watermark.
    /// </summary>
    public void CollectNext(DedupeIndex index, long after, Func<long, int> bucketOf)
    {
        if (_spill is not { Collected: false } spill)
        {
            return;
        }

        // An entry's bucket is capped at the spill's own day: lookups read no later bucket, and should the spill's
        // mark have been thinned away since it began, bucketOf answers with a later mark's day.
        var lastBucket = Bucket(spill.WatermarkMs);
        var entries = new List<EventIdEntry>();
        index.CollectShard(spill.NextShard, after, spill.Through, (fp, seq) => entries.Add(new EventIdEntry(Math.Min(bucketOf(seq), lastBucket), fp, seq)));
        spill.NextShard++;
        Then(spill, () =>
        {
            entries.Sort((a, b) => a.Bucket != b.Bucket ? a.Bucket.CompareTo(b.Bucket) : a.Fingerprint != b.Fingerprint ? a.Fingerprint.CompareTo(b.Fingerprint) : a.Seq.CompareTo(b.Seq));
            if (entries.Count > 0)
            {
                backend.EventIds.Write(entries);
                spill.FirstBucket = Math.Min(spill.FirstBucket, entries[0].Bucket);
            }
        });
        if (spill.NextShard == DedupeIndex.Shards)
        {
            spill.Collected = true;
            Then(spill, () =>
            {
                var first = Math.Min(Volatile.Read(ref _firstBucket), spill.FirstBucket);
                var value = new byte[28];
                BinaryPrimitives.WriteInt64BigEndian(value, spill.Through);
                BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(8), spill.WatermarkMs);
                BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(16), floorMs());
                BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(24), first);
                var write = new StoreWrite();
                write.Meta.Add(new KeyedValue(Key, value));
                backend.Commit(write, durable: true);
                spill.Recorded = value;
            });
        }
    }

    /// <summary>Collects every shard left of the spill in flight.</summary>
    public void CollectRest(DedupeIndex index, long after, Func<long, int> bucketOf)
    {
        while (_spill is { Collected: false })
        {
            CollectNext(index, after, bucketOf);
        }
    }

    /// <summary>
    /// The spill that has been written and recorded (waiting for it when <paramref name="wait"/>): the position
    /// through which entries are on disk now; null when none has or it failed (the store has failed with it).
    /// </summary>
    public long? Complete(bool wait)
    {
        if (_spill is not { Collected: true } spill || (!wait && !spill.Writes.IsCompleted))
        {
            return null;
        }

        _spill = null;
        try
        {
            spill.Writes.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            return null; // reported when it happened
        }

        Restore(spill.Recorded);
        _deletedThrough = int.MinValue; // the spill may have filed entries in buckets deleted meanwhile
        return spill.Through;
    }

    /// <summary>Waits for a spill's writes in flight (closing the store); a spill still being collected is dropped.</summary>
    public void Drain()
    {
        if (_spill is { } spill)
        {
            _spill = null;
            try
            {
                spill.Writes.GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // reported when it happened
            }
        }
    }

    /// <summary>Deletes the buckets wholly behind <paramref name="horizonFloorMs"/> (the horizon's floor: never one a budget raised).</summary>
    public void Expire(long horizonFloorMs)
    {
        if (horizonFloorMs == long.MinValue)
        {
            return;
        }

        var bucket = Bucket(horizonFloorMs) - 1;
        if (bucket > _deletedThrough && Volatile.Read(ref _firstBucket) <= bucket)
        {
            backend.EventIds.DeleteBucketsThrough(bucket);
            Volatile.Write(ref _deletedThrough, bucket);
        }
    }

    /// <summary>Chains a write after the spill's earlier ones, on a thread of its own; a failure stops the store and every later write.</summary>
    private void Then(Spill spill, Action write) =>
        spill.Writes = spill.Writes.ContinueWith(previous =>
        {
            previous.GetAwaiter().GetResult();
            try
            {
                write();
            }
            catch (Exception ex)
            {
                failed(ex);
                throw;
            }
        }, CancellationToken.None, TaskContinuationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>A spill in progress: its target, its shard writes chained one after another, what it recorded.</summary>
    private sealed class Spill(long through, long watermarkMs)
    {
        public long Through { get; } = through;

        public long WatermarkMs { get; } = watermarkMs;

        public int NextShard { get; set; }

        public bool Collected { get; set; }

        public int FirstBucket { get; set; } = int.MaxValue;

        public byte[]? Recorded { get; set; }

        public Task Writes { get; set; } = Task.CompletedTask;
    }
}
