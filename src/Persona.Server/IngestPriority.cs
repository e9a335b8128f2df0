namespace Persona.Server;

/// <summary>The CPU priority of the ingest thread.</summary>
public enum IngestPriority
{
    /// <summary>The same as every other thread of the service.</summary>
    Normal,

    /// <summary>
    /// Runs only on CPU time no other thread wants (Linux <c>SCHED_IDLE</c>; the lowest thread priority
    /// elsewhere): profile reads take a core from ingestion as soon as they arrive. Ingestion slows down
    /// when the machine is busy, and can starve when the CPU is saturated by other work.
    /// </summary>
    Idle,
}
