using Microsoft.Extensions.Logging;
using Persona.Core.Pipeline;

namespace Persona.Storage;

/// <summary>
/// Who may write to a store, and whether it still can: one write at a time (<see cref="WriteLock"/>: ingestion,
/// catalog and user upserts, checkpoint starts, the choice of a retention cut), one maintenance task at a time
/// (<see cref="Maintenance"/>: a retention compaction, closing), and the store's state: open or closed, healthy
/// or failed. The first failure (<see cref="Fail"/>) stops every later write; reads go on. A failed write's kind
/// (a full disk, or another write failure) is told by <c>classify</c>, the backend's.
/// </summary>
internal sealed class StoreGate(Func<Exception, StoreFaultKind> classify, TimeProvider clock, ILogger logger)
{
    private StoreFault? _fault;
    private volatile bool _closed;

    /// <summary>Held by every write to the store, and by whatever must see no write in progress.</summary>
    public Lock WriteLock { get; } = new();

    /// <summary>Held by a retention compaction for its whole run (the delete runs outside the write lock) and by closing.</summary>
    public SemaphoreSlim Maintenance { get; } = new(1, 1);

    public StoreHealth Health => Volatile.Read(ref _fault) is { } fault ? new StoreHealth(fault) : StoreHealth.Healthy;

    public bool IsClosed => _closed;

    /// <summary>Whether a write may go on now: the store is open and has not failed.</summary>
    public bool IsWritable => !_closed && Volatile.Read(ref _fault) is null;

    /// <summary>Marks the store closed (under <see cref="WriteLock"/>): every later write throws <see cref="ObjectDisposedException"/>.</summary>
    public void Close() => _closed = true;

    /// <summary>Records the store's failure (the first one wins) and returns the exception to throw.</summary>
    public StoreUnavailableException Fail(Exception cause, StoreFaultKind kind)
    {
        var fault = new StoreFault(kind == StoreFaultKind.WriteFailed ? classify(cause) : kind, cause.Message, clock.GetUtcNow());
        if (Interlocked.CompareExchange(ref _fault, fault, null) is null)
        {
            StoreLog.Failed(logger, fault.Reason, fault.Message, cause);
        }

        return new StoreUnavailableException(Volatile.Read(ref _fault)!, cause);
    }

    /// <summary>Throws unless a write may go on: <see cref="ObjectDisposedException"/> once closed, <see cref="StoreUnavailableException"/> once failed.</summary>
    public void ThrowIfUnavailable()
    {
        ObjectDisposedException.ThrowIf(_closed, typeof(DurableProfileStore));
        if (Volatile.Read(ref _fault) is { } fault)
        {
            throw new StoreUnavailableException(fault);
        }
    }
}
