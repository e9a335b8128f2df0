namespace Persona.Storage.Faults;

/// <summary>Points of the durable protocol where a test can fail, delay or kill the process (<see cref="IFaultInjector"/>).</summary>
public enum FaultPoint
{
    /// <summary>On the commit task, before a batch's log write (events or catalog items).</summary>
    BeforeLogCommit,

    /// <summary>On the ingest thread, after the batch's log write succeeded and before its profiles are published.</summary>
    AfterLogCommit,

    /// <summary>On the ingest thread, as the batch's events are applied to its profiles (in parallel with the log write).</summary>
    Apply,

    /// <summary>On the ingest thread, once the batch's profiles are computed, before waiting for the log write.</summary>
    Applied,

    /// <summary>In a checkpoint, before the changed profiles are copied and written.</summary>
    CheckpointCopy,

    /// <summary>In a checkpoint, after the profiles are written and before the checkpoint record.</summary>
    CheckpointProfilesWritten,

    /// <summary>After a checkpoint's record is written.</summary>
    CheckpointWritten,

    /// <summary>In retention compaction, after the cut is chosen and outside the write lock, before anything is deleted.</summary>
    RetentionDelete,

    /// <summary>
    /// On open, as a chunk of replayed events is applied, and as each of its events is applied alone after the chunk
    /// failed. A failure here stands for the engine failing on those events, which replay skips.
    /// </summary>
    Replay,
}
