namespace Persona.Serving.Following;

/// <summary>
/// Wakes the log's followers (segment membership, recommendation indexes) when a batch has been committed, so
/// that they read the new events at once instead of polling. Every waiter of a round is woken; a follower that
/// was busy finds the new position itself when it next compares positions, so no notification can be lost.
/// </summary>
public sealed class LogSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when <see cref="Notify"/> is next called (or at once if called since the task was taken).</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes every follower waiting on <see cref="Next"/>.</summary>
    public void Notify()
    {
        var fired = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        fired.TrySetResult();
    }

    /// <summary>Waits for the next notification, or <paramref name="timeout"/> (a safety net), or cancellation.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await Next.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // a periodic look: positions are compared by the caller anyway
        }
    }
}
