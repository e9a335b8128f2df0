namespace Persona.Server.Tests;

public sealed class IngestWorkerTests
{
    [Fact]
    public async Task TryRun_ManyConcurrentCallers_OneAtATimeInSubmissionOrder()
    {
        var running = 0;
        var maxRunning = 0;
        var order = new List<int>();
        using var worker200 = new IngestWorker(capacity: 200);
        var tasks = Enumerable.Range(0, 200).Select(i => worker200.TryRun(() =>
        {
            var now = Interlocked.Increment(ref running);
            maxRunning = Math.Max(maxRunning, now);
            Thread.SpinWait(1_000);
            order.Add(i);
            Interlocked.Decrement(ref running);
            return i * 2;
        })!).ToList();

        var results = await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * 2), results);
        Assert.Equal(Enumerable.Range(0, 200), order);
        Assert.Equal(1, maxRunning);
    }

    [Fact]
    public async Task TryRun_WorkThrows_TaskFaultsAndTheWorkerGoesOn()
    {
        using var worker = new IngestWorker();

        var failed = worker.TryRun<int>(() => throw new InvalidOperationException("boom"))!;
        var next = worker.TryRun(() => 42)!;

        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => failed)).Message);
        Assert.Equal(42, await next);
    }

    [Fact]
    public void Dispose_QueuedWork_RunsBeforeTheThreadStops()
    {
        var worker = new IngestWorker();
        using var gate = new ManualResetEventSlim();
        var first = worker.TryRun(() => gate.Wait(TimeSpan.FromSeconds(10)))!;
        var second = worker.TryRun(() => 7)!;
        gate.Set();

        worker.Dispose();

        Assert.True(first.IsCompletedSuccessfully && first.Result);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(7, second.Result);
    }

    [Fact]
    public void TryRun_QueueFull_NullUntilTheThreadCatchesUp()
    {
        using var worker = new IngestWorker(capacity: 2);
        using var gate = new ManualResetEventSlim();
        var running = BusyWorker.Hold(worker, gate);
        var queued = new[] { worker.TryRun(() => 1), worker.TryRun(() => 2) };

        Assert.Null(worker.TryRun(() => 3));
        Assert.Equal(2, worker.Queued);

        gate.Set();
        Assert.True(running.Result);
        Assert.Equal([1, 2], queued.Select(t => t!.Result));
        Assert.Equal(4, worker.TryRun(() => 4)!.Result);
    }

    [Theory]
    [InlineData(IngestPriority.Normal, 0, ThreadPriority.Normal)] // SCHED_OTHER
    [InlineData(IngestPriority.Background, 5, ThreadPriority.Lowest)] // SCHED_IDLE
    public async Task TryRun_Priority_WorkRunsUnderThatSchedulingPolicy(IngestPriority priority, int linuxPolicy, ThreadPriority elsewhere)
    {
        using var worker = new IngestWorker(priority: priority, boostAfter: TimeSpan.FromMinutes(1));

        var observed = await worker.TryRun(Policy)!;

        if (worker.Priority != priority)
        {
            // An unprivileged process cannot raise a thread again once lowered, so background priority is not used.
            Assert.False(ThreadScheduling.CanRaiseAgain());
            Assert.Equal((IngestPriority.Normal, OperatingSystem.IsLinux() ? 0 : (int)ThreadPriority.Normal), (worker.Priority, observed));
            return;
        }

        Assert.Equal(OperatingSystem.IsLinux() ? linuxPolicy : (int)elsewhere, observed);
    }

    [Fact]
    public async Task TryRun_BackgroundWithAnUploadWaiting_RaisedUntilTheQueueEmpties()
    {
        using var worker = new IngestWorker(priority: IngestPriority.Background, boostAfter: TimeSpan.FromMilliseconds(20));
        if (!ThreadScheduling.CanRaiseAgain())
        {
            Assert.Equal(IngestPriority.Normal, worker.Priority); // unprivileged: never lowered, so nothing to raise
            return;
        }

        using var gate = new ManualResetEventSlim();
        var busy = BusyWorker.Hold(worker, gate);
        var waiting = worker.TryRun(Policy)!;

        Assert.True(SpinWait.SpinUntil(() => worker.Boosted, TimeSpan.FromSeconds(10)), "not raised while an upload waited");
        gate.Set();
        Assert.True(await busy);
        Assert.Equal(OperatingSystem.IsLinux() ? 0 : (int)ThreadPriority.Normal, await waiting); // SCHED_OTHER
        Assert.True(SpinWait.SpinUntil(() => !worker.Boosted, TimeSpan.FromSeconds(10)), "not lowered once the queue was empty");
    }

    [Fact]
    public async Task TryRun_BackgroundUploadBeingApplied_RaisedWhileItRuns()
    {
        // One upload, taken from the queue at once: nothing waits in the queue, but its sender still waits for
        // the answer, so a slow application is raised too (else a starved thread that took it stays starved).
        using var worker = new IngestWorker(priority: IngestPriority.Background, boostAfter: TimeSpan.FromMilliseconds(20));
        if (!ThreadScheduling.CanRaiseAgain())
        {
            Assert.Equal(IngestPriority.Normal, worker.Priority);
            return;
        }

        using var release = new ManualResetEventSlim();
        var running = worker.TryRun(() => release.Wait(TimeSpan.FromSeconds(30)))!;
        Assert.True(SpinWait.SpinUntil(() => worker.Queued == 0 && worker.Boosted, TimeSpan.FromSeconds(10)), "not raised while the only upload was being applied");
        var policy = worker.TryRun(Policy)!;
        release.Set();
        Assert.True(await running);
        Assert.Equal(OperatingSystem.IsLinux() ? 0 : (int)ThreadPriority.Normal, await policy); // ran raised
        Assert.True(SpinWait.SpinUntil(() => !worker.Boosted, TimeSpan.FromSeconds(10)), "not lowered once idle");
    }

    [Fact]
    public async Task TryRun_BackgroundOnASaturatedMachine_NotStarved()
    {
        // Busy threads at normal priority on every core: a SCHED_IDLE thread alone would get about 0.15 % of a
        // core, and work of 50 ms would take half a minute; raised after 20 ms of waiting, it takes a share.
        var work = Calibrate(TimeSpan.FromMilliseconds(50));
        using var worker = new IngestWorker(priority: IngestPriority.Background);
        using var stop = new CancellationTokenSource();
        var spinners = Enumerable.Range(0, Environment.ProcessorCount * 2).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Thread.SpinWait(1_000);
            }
        })
        { IsBackground = true }).ToList();
        spinners.ForEach(t => t.Start());
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await worker.TryRun(() => Spin(work))!.WaitAsync(TimeSpan.FromSeconds(120));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"work of 50 ms took {watch.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            stop.Cancel();
            spinners.ForEach(t => t.Join());
        }
    }

    /// <summary>Iterations of <see cref="Spin"/> that take about <paramref name="target"/> on this (idle) thread.</summary>
    private static long Calibrate(TimeSpan target)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Spin(1_000_000);
        return (long)(1_000_000 * target / watch.Elapsed);
    }

    private static long Spin(long iterations)
    {
        var x = 1L;
        for (var i = 0L; i < iterations; i++)
        {
            x = (x * 31) + i;
        }

        return x;
    }

    /// <summary>
    /// The calling thread's scheduling policy on Linux (field 41 of /proc/thread-self/stat; the fields after
    /// the command name start at field 3), its managed priority elsewhere.
    /// </summary>
    private static int Policy() => OperatingSystem.IsLinux()
        ? int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[41 - 3], System.Globalization.CultureInfo.InvariantCulture)
        : (int)Thread.CurrentThread.Priority;

    [Fact]
    public async Task TryRun_YoungCollectionBudgetSpent_CollectsBeforeCompleting()
    {
        using var worker = new IngestWorker(youngCollectionBytes: 1 << 20);
        var before = GC.CollectionCount(0);

        var length = await worker.TryRun(() => new byte[2 << 20].Length)!; // past the budget

        Assert.Equal(2 << 20, length);
        Assert.True(GC.CollectionCount(0) > before, "no young collection before the work completed");
    }

    [Fact]
    public void Constructor_NegativeYoungCollectionBytes_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => new IngestWorker(youngCollectionBytes: -1));

    [Fact]
    public void Constructor_ZeroCapacity_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => new IngestWorker(capacity: 0));
}
