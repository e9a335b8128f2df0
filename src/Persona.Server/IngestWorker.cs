using System.Collections.Concurrent;

namespace Persona.Server;

/// <summary>
/// Runs ingestion (parse, dedupe, durable write, apply) on one dedicated thread, in arrival order. The
/// store applies one batch at a time anyway; with a dedicated thread, concurrent uploads wait in this
/// queue instead of each blocking a thread-pool thread on the store's lock, so the pool stays free for
/// profile reads however many clients upload at once. The queue is bounded: when it is full, uploads are
/// refused (the service answers 503 with Retry-After) rather than held in memory without limit. With
/// <see cref="IngestPriority.Idle"/> the thread yields its core to any other thread, profile reads included.
/// </summary>
public sealed class IngestWorker : IDisposable
{
    /// <summary>The default bound of the queue.</summary>
    public const int DefaultCapacity = 64;

    private readonly BlockingCollection<Action> _queue;
    private readonly Thread _thread;
    private readonly IngestPriority _priority;

    public IngestWorker(int capacity = DefaultCapacity, IngestPriority priority = IngestPriority.Normal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _queue = new BlockingCollection<Action>(capacity);
        _priority = priority;
        _thread = new Thread(Loop) { IsBackground = true, Name = "Persona ingest" };
        _thread.Start();
    }

    /// <summary>Batches waiting for the ingest thread (the one being applied not included).</summary>
    public int Queued => _queue.Count;

    /// <summary>
    /// Queues <paramref name="work"/> for the ingest thread; null when the queue is full. The task completes
    /// with the work's result, or faults with its exception.
    /// </summary>
    public Task<T>? TryRun<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _queue.TryAdd(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        return queued ? done.Task : null;
    }

    /// <summary>Finishes the queued work, then stops the thread.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }

    private void Loop()
    {
        if (_priority == IngestPriority.Idle && !(OperatingSystem.IsLinux() && NativeMethods.SchedSetScheduler(0, NativeMethods.SchedIdle, 0) == 0))
        {
            Thread.CurrentThread.Priority = ThreadPriority.Lowest;
        }

        foreach (var work in _queue.GetConsumingEnumerable())
        {
            work();
        }
    }
}
