namespace Persona.Core.Pipeline;

/// <summary>
/// The failure that stopped a store's writes: what happened, when, and the backend's own message. Reads go
/// on from what is durable; a restart recovers from the log.
/// </summary>
public sealed record StoreFault(StoreFaultKind Kind, string Message, DateTimeOffset At)
{
    /// <summary>A short snake_case name of the kind, for metrics and problem types.</summary>
    public string Reason => Kind switch
    {
        StoreFaultKind.DiskFull => "disk_full",
        StoreFaultKind.ApplyFailed => "apply_failed",
        StoreFaultKind.Superseded => "superseded",
        _ => "write_failed",
    };
}
