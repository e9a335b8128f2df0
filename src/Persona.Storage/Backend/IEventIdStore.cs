namespace Persona.Storage.Backend;

/// <summary>An event id's fingerprint at its log position, filed under a bucket (a day of event time; negative before 1970).</summary>
public readonly record struct EventIdEntry(int Bucket, ulong Fingerprint, long Seq);

/// <summary>
/// The deduplication index's part on disk: (bucket, fingerprint, position) entries that the in-memory index
/// spills when it fills, looked up only for events late enough to need them, and deleted a bucket at a time
/// when they fall behind the horizon.
/// </summary>
public interface IEventIdStore
{
    /// <summary>Writes entries sorted by bucket, fingerprint and position; durable by the next durable commit.</summary>
    void Write(IReadOnlyList<EventIdEntry> entries);

    /// <summary>Adds to <paramref name="seqs"/> the positions filed under <paramref name="fingerprint"/> in the buckets <paramref name="firstBucket"/> to <paramref name="lastBucket"/> (inclusive).</summary>
    void Lookup(int firstBucket, int lastBucket, ulong fingerprint, List<long> seqs);

    /// <summary>Deletes every bucket up to and including <paramref name="bucket"/>.</summary>
    void DeleteBucketsThrough(int bucket);
}
