namespace Persona.Storage.Backend;

/// <summary>
/// What a backend provides to the durable pipeline: an ordered event log, profile snapshots, keyed records,
/// dead letters and small metadata, and one atomic commit that spans them. The exactly-once protocol (log
/// positions, deduplication, checkpoints, recovery, retention) is written once on top of these, in
/// <see cref="DurableProfileStore"/>; a backend only stores and returns bytes. Every backend passes the
/// conformance suite (tests/Persona.Storage.TestKit).
/// </summary>
public interface IStoreBackend : IDisposable
{
    IEventLogStore Log { get; }

    IProfileSnapshotStore Profiles { get; }

    IRecordStore Records { get; }

    IDeadLetterStore DeadLetters { get; }

    IMetaStore Meta { get; }

    IEventIdStore EventIds { get; }

    /// <summary>
    /// Applies every part of <paramref name="write"/> atomically: after a crash either all of it is there or
    /// none. When <paramref name="durable"/>, it is on stable storage before this returns. May be called from
    /// any thread, concurrently with reads and with <see cref="IProfileSnapshotStore.Write"/>.
    /// </summary>
    void Commit(StoreWrite write, bool durable);

    /// <summary>Makes every commit so far durable, those made with <c>durable: false</c> included.</summary>
    void Sync();

    /// <summary>
    /// Rewrites storage so that deleted data (an erased user's records, expired log records) no longer lies in its
    /// files: what a delete leaves behind until compaction gets to it (RocksDB's tombstoned values and its
    /// write-ahead log, Redis' append-only history). May take long; the store never calls it while holding its
    /// write lock, and commits may run meanwhile.
    /// </summary>
    void Purge();

    /// <summary>What kind of failure an exception thrown by this backend is (a full disk, or any other).</summary>
    Persona.Core.Pipeline.StoreFaultKind Classify(Exception failure);
}
