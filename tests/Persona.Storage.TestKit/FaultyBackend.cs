using Persona.Core.Pipeline;
using Persona.Storage.Backend;

namespace Persona.Storage.TestKit;

/// <summary>
/// Wraps a backend and calls <see cref="Before"/> with the name of each primitive before passing it on
/// ("Commit", "Sync", "Log.Read", "Log.DeleteThrough", "Profiles.Read", "Profiles.Write", "DeadLetters.DeleteThrough",
/// ...): a test fails the primitive it chooses by throwing there, as the real backend would on a bad disk.
/// </summary>
public sealed class FaultyBackend(IStoreBackend inner) : IStoreBackend, IEventLogStore, IProfileSnapshotStore, IDeadLetterStore, IEventIdStore
{
    public Action<string> Before { get; set; } = _ => { };

    public IEventLogStore Log => this;

    public IProfileSnapshotStore Profiles => this;

    public IRecordStore Records => inner.Records;

    public IDeadLetterStore DeadLetters => this;

    public IMetaStore Meta => inner.Meta;

    public IEventIdStore EventIds => this;

    long IEventLogStore.LastSeq => inner.Log.LastSeq;

    public void Commit(StoreWrite write, bool durable)
    {
        Before("Commit");
        inner.Commit(write, durable);
    }

    public void Sync()
    {
        Before("Sync");
        inner.Sync();
    }

    public void Purge()
    {
        Before("Purge");
        inner.Purge();
    }

    public StoreFaultKind Classify(Exception failure) => inner.Classify(failure);

    public void Dispose() => inner.Dispose();

    byte[]? IEventLogStore.Read(long seq)
    {
        Before("Log.Read");
        return inner.Log.Read(seq);
    }

    void IEventLogStore.Scan(long from, LogVisitor visitor) => inner.Log.Scan(from, visitor);

    void IEventLogStore.DeleteThrough(long through)
    {
        Before("Log.DeleteThrough");
        inner.Log.DeleteThrough(through);
    }

    void IEventLogStore.Compact() => inner.Log.Compact();

    byte[]? IProfileSnapshotStore.Read(string userId)
    {
        Before("Profiles.Read");
        return inner.Profiles.Read(userId);
    }

    void IProfileSnapshotStore.Write(IReadOnlyList<IEncodedProfile> profiles)
    {
        Before("Profiles.Write");
        inner.Profiles.Write(profiles);
    }

    void IProfileSnapshotStore.ScanUserIds(Action<ReadOnlySpan<byte>> visitor) => inner.Profiles.ScanUserIds(visitor);

    void IDeadLetterStore.Scan(bool newestFirst, LogVisitor visitor) => inner.DeadLetters.Scan(newestFirst, visitor);

    void IDeadLetterStore.DeleteThrough(long through)
    {
        Before("DeadLetters.DeleteThrough");
        inner.DeadLetters.DeleteThrough(through);
    }

    void IEventIdStore.Write(IReadOnlyList<EventIdEntry> entries)
    {
        Before("EventIds.Write");
        inner.EventIds.Write(entries);
    }

    void IEventIdStore.Lookup(int firstBucket, int lastBucket, ulong fingerprint, List<long> seqs)
    {
        Before("EventIds.Lookup");
        inner.EventIds.Lookup(firstBucket, lastBucket, fingerprint, seqs);
    }

    void IEventIdStore.DeleteBucketsThrough(int bucket)
    {
        Before("EventIds.DeleteBucketsThrough");
        inner.EventIds.DeleteBucketsThrough(bucket);
    }
}
