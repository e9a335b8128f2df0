using Persona.Core.Pipeline;
using Persona.Storage.Backend;

namespace Persona.Storage.TestKit;

/// <summary>
/// Wraps a backend whose crash is simulated outside it (a native database closed without its shutdown work, then
/// its files cut back to what was durable): <see cref="Kill"/> refuses every later call and waits for the calls
/// in flight, after which the caller may tear the inner backend down as a crash would. Writes pass one at a time,
/// and <paramref name="afterDurable"/> runs, with writes held off, after each durable commit and each sync returns: the
/// moment the backend's durable state is known exactly (no later write slipped in), for the crash to cut back to.
/// </summary>
public sealed class CrashableBackend(IStoreBackend inner, Action afterDurable) : IStoreBackend, IEventLogStore, IProfileSnapshotStore, IRecordStore, IDeadLetterStore, IMetaStore, IEventIdStore
{
    private readonly Lock _writes = new();
    private int _calls;
    private int _dead;

    public IEventLogStore Log => this;

    public IProfileSnapshotStore Profiles => this;

    public IRecordStore Records => this;

    public IDeadLetterStore DeadLetters => this;

    public IMetaStore Meta => this;

    public IEventIdStore EventIds => this;

    long IEventLogStore.LastSeq => Call(() => inner.Log.LastSeq);

    /// <summary>Refuses every later call, waits for the calls in flight, and returns the inner backend (not disposed).</summary>
    public IStoreBackend Kill()
    {
        Interlocked.Exchange(ref _dead, 1);
        SpinWait.SpinUntil(() => Volatile.Read(ref _calls) == 0);
        return inner;
    }

    public void Commit(StoreWrite write, bool durable) => Write(() => inner.Commit(write, durable), durable);

    public void Sync() => Write(inner.Sync, durable: true);

    public void Purge() => Write(inner.Purge, durable: true);

    public StoreFaultKind Classify(Exception failure) => inner.Classify(failure);

    /// <summary>Closes the inner backend cleanly, unless it was killed (then nothing is written).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _dead, 1) == 0)
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref _calls) == 0);
            inner.Dispose();
        }
    }

    byte[]? IEventLogStore.Read(long seq) => Call(() => inner.Log.Read(seq));

    void IEventLogStore.Scan(long from, LogVisitor visitor) => Call(() => inner.Log.Scan(from, visitor));

    void IEventLogStore.DeleteThrough(long through) => Write(() => inner.Log.DeleteThrough(through), durable: false);

    void IEventLogStore.Compact() => Call(inner.Log.Compact);

    byte[]? IProfileSnapshotStore.Read(string userId) => Call(() => inner.Profiles.Read(userId));

    void IProfileSnapshotStore.Write(IReadOnlyList<IEncodedProfile> profiles) => Write(() => inner.Profiles.Write(profiles), durable: false);

    void IProfileSnapshotStore.ScanUserIds(Action<ReadOnlySpan<byte>> visitor) => Call(() => inner.Profiles.ScanUserIds(visitor));

    void IRecordStore.ScanItems(Action<ReadOnlySpan<byte>> visitor) => Call(() => inner.Records.ScanItems(visitor));

    void IRecordStore.ScanUsers(Action<ReadOnlySpan<byte>> visitor) => Call(() => inner.Records.ScanUsers(visitor));

    byte[]? IRecordStore.ReadUser(string userId) => Call(() => inner.Records.ReadUser(userId));

    void IDeadLetterStore.Scan(bool newestFirst, LogVisitor visitor) => Call(() => inner.DeadLetters.Scan(newestFirst, visitor));

    void IDeadLetterStore.DeleteThrough(long through) => Write(() => inner.DeadLetters.DeleteThrough(through), durable: false);

    byte[]? IMetaStore.Read(string key) => Call(() => inner.Meta.Read(key));

    void IMetaStore.Scan(string prefix, MetaVisitor visitor) => Call(() => inner.Meta.Scan(prefix, visitor));

    void IEventIdStore.Write(IReadOnlyList<EventIdEntry> entries) => Write(() => inner.EventIds.Write(entries), durable: false);

    void IEventIdStore.Lookup(int firstBucket, int lastBucket, ulong fingerprint, List<long> seqs) => Call(() => inner.EventIds.Lookup(firstBucket, lastBucket, fingerprint, seqs));

    void IEventIdStore.DeleteBucketsThrough(int bucket) => Write(() => inner.EventIds.DeleteBucketsThrough(bucket), durable: false);

    private void Write(Action write, bool durable)
    {
        Call(() =>
        {
            lock (_writes)
            {
                write();
                if (durable)
                {
                    afterDurable();
                }
            }
        });
    }

    private void Call(Action call) => Call(() =>
    {
        call();
        return 0;
    });

    private T Call<T>(Func<T> call)
    {
        Interlocked.Increment(ref _calls);
        try
        {
            if (Volatile.Read(ref _dead) != 0)
            {
                throw new IOException("the backend is down: the machine crashed");
            }

            return call();
        }
        finally
        {
            Interlocked.Decrement(ref _calls);
        }
    }
}
