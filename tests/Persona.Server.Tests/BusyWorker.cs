namespace Persona.Server.Tests;

/// <summary>Keeps an ingest worker's thread busy until a gate opens.</summary>
internal static class BusyWorker
{
    /// <summary>Queues work that waits for <paramref name="gate"/> and returns once the thread is running it.</summary>
    public static Task<bool> Hold(IngestWorker worker, ManualResetEventSlim gate)
    {
        using var started = new ManualResetEventSlim();
        var busy = worker.TryRun(() =>
        {
            started.Set();
            return gate.Wait(TimeSpan.FromSeconds(30));
        }) ?? throw new InvalidOperationException("the worker's queue is full");
        return started.Wait(TimeSpan.FromSeconds(10)) ? busy : throw new TimeoutException("the worker did not start");
    }
}
