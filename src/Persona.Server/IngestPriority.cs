namespace Persona.Server;

/// <summary>The CPU priority of the ingest thread.</summary>
public enum IngestPriority
{
    /// <summary>
    /// The default: the thread runs on CPU time no other thread wants (Linux <c>SCHED_IDLE</c>; the lowest
    /// thread priority elsewhere), so a profile read takes a core from ingestion as soon as it arrives; and
    /// whenever an upload has waited <see cref="IngestWorker.BoostAfter"/> in the queue, the thread runs at
    /// normal priority until the queue is empty, so a machine busy with other work cannot starve ingestion.
    /// </summary>
    Background,

    /// <summary>The same as every other thread of the service.</summary>
    Normal,
}
