using System.Collections.Concurrent;
using System.Diagnostics;

namespace Persona.Server;

/// <summary>
/// Runs ingestion (parse, dedupe, durable write, apply) on one dedicated thread, in arrival order. The
/// store applies one batch at a time anyway; with a dedicated thread, concurrent uploads wait in this
/// queue instead of each blocking a thread-pool thread on the store's lock, so the pool stays free for
/// profile reads however many clients upload at once. The queue is bounded: an upload takes its place
/// (<see cref="TryReserve"/>) once its body has arrived, so a slow client never holds a place another client's
/// batch needs; when the queue is full, the upload is refused (503 with Retry-After), before its body is read
/// where the queue is already full on arrival. With
/// <see cref="IngestPriority.Background"/> (the default) the thread yields its core to any other thread,
/// profile reads included, except while uploads have waited <see cref="BoostAfter"/> or longer: then it runs at
/// normal priority until the queue is empty.
/// </summary>
/// <remarks>
/// With a young-collection budget, once the process has allocated that many bytes since the last such
/// collection, the thread collects the young generation after finishing a batch and before acknowledging it: at
/// a batch boundary almost nothing young is alive, and a small young generation makes a short pause. Left to
/// itself, the runtime lets the young generation grow while the allocation rate is low, until one collection
/// pauses every request for tens of milliseconds (82–87 ms measured at 3,000 events/s; docs/BENCHMARKS.md).
/// </remarks>
public sealed class IngestWorker : IDisposable
{
    /// <summary>The default bound of the queue.</summary>
    public const int DefaultCapacity = 64;

    /// <summary>How long an upload may wait for a background-priority thread before it runs at normal priority.</summary>
    public static readonly TimeSpan BoostAfter = TimeSpan.FromMilliseconds(20);

    private readonly TimeSpan _boostAfter;

    private readonly ConcurrentQueue<(long EnqueuedAt, Action Work)> _items = new();
    private readonly BlockingCollection<(long EnqueuedAt, Action Work)> _queue;
    private readonly SemaphoreSlim _places;
    private readonly Thread _thread;
    private readonly ThreadScheduling _scheduling;
    private readonly Thread? _watchdog;
    private readonly ManualResetEventSlim _stopping = new();
    private readonly IngestPriority _priority;
    private readonly long _youngCollectionBytes;
    private long _allocatedAtCollection = GC.GetTotalAllocatedBytes();
    private int _boosted;
    private long _runningSince; // the enqueue time of the upload being applied; 0 while idle

    /// <param name="capacity">Batches that may wait.</param>
    /// <param name="priority">CPU priority of the thread.</param>
    /// <param name="youngCollectionBytes">Bytes the process allocates between young collections at batch boundaries; 0 leaves them to the runtime.</param>
    /// <param name="boostAfter">How long an upload may wait before a background-priority thread is raised (default <see cref="BoostAfter"/>).</param>
    public IngestWorker(int capacity = DefaultCapacity, IngestPriority priority = IngestPriority.Background, long youngCollectionBytes = 0, TimeSpan? boostAfter = null)
    {
        _boostAfter = boostAfter ?? BoostAfter;
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(youngCollectionBytes);
        _queue = new BlockingCollection<(long, Action)>(_items);
        _places = new SemaphoreSlim(capacity, capacity);
        _priority = priority;
        _youngCollectionBytes = youngCollectionBytes;
        _thread = new Thread(Loop) { IsBackground = true, Name = "Persona ingest" };
        _scheduling = new ThreadScheduling(_thread);

        // Background priority is safe only if the thread can be raised again; where it cannot, it runs at normal priority.
        if (priority == IngestPriority.Background && !ThreadScheduling.CanRaiseAgain())
        {
            _priority = priority = IngestPriority.Normal;
        }

        _thread.Start();
        if (priority == IngestPriority.Background)
        {
            var period = TimeSpan.FromMilliseconds(Math.Clamp(_boostAfter.TotalMilliseconds / 2, 1, 1_000));
            // A thread of its own rather than a timer: a thread pool starved by other work must not delay the boost.
            _watchdog = new Thread(() =>
            {
                while (!_stopping.Wait(period))
                {
                    BoostIfWaiting();
                }
            })
            { IsBackground = true, Name = "Persona ingest watchdog" };
            _watchdog.Start();
        }
    }

    /// <summary>The priority in force: <see cref="IngestPriority.Normal"/> where background priority was asked for but the thread could not be raised again.</summary>
    public IngestPriority Priority => _priority;

    /// <summary>Whether the thread runs at normal priority now (always, with <see cref="IngestPriority.Normal"/>).</summary>
    public bool Boosted => _priority == IngestPriority.Normal || Volatile.Read(ref _boosted) == 1;

    /// <summary>Batches waiting for the ingest thread (the one being applied not included).</summary>
    public int Queued => _queue.Count;

    /// <summary>
    /// Takes a place in the queue for an upload whose body is yet to be read; null when every place is taken
    /// (by uploads waiting for the thread, or still being received).
    /// </summary>
    public Reservation? TryReserve() => _places.Wait(0) ? new Reservation(this) : null;

    /// <summary>
    /// Queues <paramref name="work"/> for the ingest thread; null when the queue is full. The task completes
    /// with the work's result, or faults with its exception.
    /// </summary>
    public Task<T>? TryRun<T>(Func<T> work) => TryReserve()?.Run(work);

    /// <summary>Finishes the queued work, then stops the thread.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join(); // the watchdog goes on meanwhile: draining must not starve either
        _stopping.Set();
        _watchdog?.Join();
        _stopping.Dispose();
        _queue.Dispose();
        _places.Dispose();
    }

    private Task<T> Enqueue<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((Stopwatch.GetTimestamp(), () =>
        {
            _places.Release(); // no longer waiting
            try
            {
                var result = work();
                CollectYoungIfDue();
                done.SetResult(result);
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }
        ));
        return done.Task;
    }


    private void CollectYoungIfDue()
    {
        if (_youngCollectionBytes > 0 && GC.GetTotalAllocatedBytes() - _allocatedAtCollection >= _youngCollectionBytes)
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            _allocatedAtCollection = GC.GetTotalAllocatedBytes();
        }
    }

    private void Loop()
    {
        _scheduling.Capture();
        if (_priority == IngestPriority.Background)
        {
            _scheduling.Lower();
        }

        foreach (var (enqueuedAt, work) in _queue.GetConsumingEnumerable())
        {
            // The upload being applied is still waiting for its answer: the watchdog raises the thread for it
            // too, or a background thread that took it from the queue could be starved in the middle of it.
            Volatile.Write(ref _runningSince, enqueuedAt);
            work();
            Volatile.Write(ref _runningSince, 0);
            if (_items.IsEmpty && Interlocked.CompareExchange(ref _boosted, 0, 1) == 1)
            {
                _scheduling.Lower();
            }
        }
    }

    /// <summary>
    /// The watchdog (another thread, so that a starved ingest thread is raised all the same): raises the thread
    /// while an upload has waited too long, in the queue or being applied.
    /// </summary>
    private void BoostIfWaiting()
    {
        var running = Volatile.Read(ref _runningSince);
        var waited = (_items.TryPeek(out var head) && Stopwatch.GetElapsedTime(head.EnqueuedAt) >= _boostAfter)
            || (running != 0 && Stopwatch.GetElapsedTime(running) >= _boostAfter);
        if (Volatile.Read(ref _boosted) == 0 && waited
            && Interlocked.CompareExchange(ref _boosted, 1, 0) == 0 && !_scheduling.Raise())
        {
            Volatile.Write(ref _boosted, 0);
        }
    }

    /// <summary>A place in the queue: <see cref="Run"/> uses it, <see cref="Dispose"/> gives it back unused.</summary>
    public sealed class Reservation : IDisposable
    {
        private IngestWorker? _worker;

        internal Reservation(IngestWorker worker)
        {
            _worker = worker;
        }

        /// <summary>Queues <paramref name="work"/> in this place; the task completes with its result, or faults with its exception.</summary>
        public Task<T> Run<T>(Func<T> work)
        {
            var worker = Interlocked.Exchange(ref _worker, null) ?? throw new InvalidOperationException("the reservation was used or given back");
            return worker.Enqueue(work);
        }

        public void Dispose() => Interlocked.Exchange(ref _worker, null)?._places.Release();
    }
}
