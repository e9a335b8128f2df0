namespace Persona.Core.Pipeline;

/// <summary>A write refused or lost because the store has failed (<see cref="Fault"/>); nothing of it was acknowledged.</summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException(StoreFault fault, Exception? inner = null)
        : base(Describe(fault), inner)
    {
        Fault = fault;
    }

    public StoreFault Fault { get; }

    private static string Describe(StoreFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        return fault.Kind switch
        {
            StoreFaultKind.DiskFull => $"the store's disk is full ({fault.Message}); free space and restart the service",
            StoreFaultKind.ApplyFailed => $"applying a logged batch failed ({fault.Message}); restart the service to recover from the log",
            StoreFaultKind.Superseded => $"another writer took the store over ({fault.Message}); nothing of this write was kept, send it again",
            _ => $"a durable write failed ({fault.Message}); restart the service to recover from the log",
        };
    }
}
