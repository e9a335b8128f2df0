namespace Persona.Server.Tests;

public sealed class IngestWorkerTests
{
    [Fact]
    public async Task Run_ManyConcurrentCallers_OneAtATimeInSubmissionOrder()
    {
        using var worker = new IngestWorker();
        var running = 0;
        var maxRunning = 0;
        var order = new List<int>();
        var tasks = Enumerable.Range(0, 200).Select(i => worker.Run(() =>
        {
            var now = Interlocked.Increment(ref running);
            maxRunning = Math.Max(maxRunning, now);
            Thread.SpinWait(1_000);
            order.Add(i);
            Interlocked.Decrement(ref running);
            return i * 2;
        })).ToList();

        var results = await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * 2), results);
        Assert.Equal(Enumerable.Range(0, 200), order);
        Assert.Equal(1, maxRunning);
    }

    [Fact]
    public async Task Run_WorkThrows_TaskFaultsAndTheWorkerGoesOn()
    {
        using var worker = new IngestWorker();

        var failed = worker.Run<int>(() => throw new InvalidOperationException("boom"));
        var next = worker.Run(() => 42);

        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => failed)).Message);
        Assert.Equal(42, await next);
    }

    [Fact]
    public void Dispose_QueuedWork_RunsBeforeTheThreadStops()
    {
        var worker = new IngestWorker();
        using var gate = new ManualResetEventSlim();
        var first = worker.Run(() => gate.Wait(TimeSpan.FromSeconds(10)));
        var second = worker.Run(() => 7);
        gate.Set();

        worker.Dispose();

        Assert.True(first.IsCompletedSuccessfully && first.Result);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(7, second.Result);
    }
}
