namespace Persona.Core.Pipeline;

/// <summary>Why a store stopped accepting writes.</summary>
public enum StoreFaultKind
{
    /// <summary>The disk holding the store is full (ENOSPC): free space, then restart.</summary>
    DiskFull,

    /// <summary>A durable write failed for another reason (I/O error, a backend that went away).</summary>
    WriteFailed,

    /// <summary>Applying a logged batch to the profiles failed; the profiles in memory are behind the log.</summary>
    ApplyFailed,

    /// <summary>
    /// Another writer took the store over (a newer writer epoch, as after a failover): the refused write kept
    /// nothing, and this writer may not write again; the store is reopened by whoever owns it now.
    /// </summary>
    Superseded,
}
