namespace Persona.Core.Pipeline;

/// <summary>
/// A store's periodic chores, apart from what it serves: a host runs them on a timer (checkpoints, so that a
/// restart replays little; retention, so that the log and the dead letters stay within their horizons).
/// </summary>
public interface IStoreMaintenance
{
    /// <summary>Starts a checkpoint when the configured event count or interval has passed since the last one.</summary>
    void CheckpointIfDue();

    /// <summary>Deletes what the retention horizons allow (old log records, expired dead letters); returns the log records deleted.</summary>
    long CompactRetention();

    /// <summary>
    /// Rewrites storage so that deleted data (erased users, expired records) no longer lies in its files. Costs a
    /// full compaction; writes go on meanwhile.
    /// </summary>
    void Purge();
}
