using System.Collections.Concurrent;

namespace Persona.Server;

/// <summary>
/// Runs ingestion (parse, dedupe, durable write, apply) on one dedicated thread, in arrival order. The
/// store applies one batch at a time anyway; with a dedicated thread, concurrent uploads wait in this
/// queue instead of each blocking a thread-pool thread on the store's lock, so the pool stays free for
/// profile reads however many clients upload at once.
/// </summary>
public sealed class IngestWorker : IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly Thread _thread;

    public IngestWorker()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "Persona ingest" };
        _thread.Start();
    }

    /// <summary>Batches waiting for the ingest thread (the one being applied not included).</summary>
    public int Queued => _queue.Count;

    /// <summary>Runs <paramref name="work"/> on the ingest thread; its exception, if any, faults the task.</summary>
    public Task<T> Run<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
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
        return done.Task;
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
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            work();
        }
    }
}
