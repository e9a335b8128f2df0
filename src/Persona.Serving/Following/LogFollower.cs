using Persona.Core.Pipeline;

namespace Persona.Serving.Following;

/// <summary>
/// A consumer of the event log: it reads the committed events after its own position, in log order, and hands
/// them to <see cref="Apply"/>; woken by <see cref="LogSignal"/> after each committed batch (and once a second
/// in case). It starts from the oldest retained event, so what it builds is a function of the log alone and is
/// rebuilt the same after a restart. <see cref="Position"/> tells how far it has come; a follower that fails
/// on a batch logs it and skips that batch, so one bad event never stops the others.
/// </summary>
public abstract partial class LogFollower(IProfileStore store, LogSignal signal, ILogger logger) : BackgroundService
{
    /// <summary>Events read per call to <see cref="Apply"/> at most.</summary>
    public const int PageSize = 4_096;

    private long _position;
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The log position of the last event applied.</summary>
    public long Position => Interlocked.Read(ref _position);

    /// <summary>How many log positions this follower is behind the store.</summary>
    public long Lag => Math.Max(0, store.LogPosition - Position);

    /// <summary>Completes once the follower has read the log as it was when the service started.</summary>
    public Task CaughtUp => _caughtUp.Task;

    protected IProfileStore Store => store;

    /// <summary>Where the follower starts reading: 0 (the oldest retained event) unless what it builds is already as of a later position.</summary>
    protected virtual long StartPosition => 0;

    private bool _started;

    /// <summary>Runs after each look at the log (at least once a second), whether or not there were events: periodic upkeep.</summary>
    protected virtual void Idle()
    {
    }

    /// <summary>Applies committed events, oldest first.</summary>
    protected abstract void Apply(IReadOnlyList<LoggedEvent> events);

    /// <summary>Reads and applies everything committed so far; returns the number of events applied. Also used by tests to step a follower.</summary>
    public int CatchUp()
    {
        var applied = 0;
        if (!_started)
        {
            Interlocked.Exchange(ref _position, StartPosition);
            _started = true;
        }

        while (true)
        {
            var from = Position;
            var target = store.LogPosition;
            if (from >= target)
            {
                return applied;
            }

            var page = store.ReadLog(from, PageSize);
            try
            {
                if (page.Count > 0)
                {
                    Apply(page);
                }
            }
            catch (Exception ex)
            {
                BatchFailed(logger, GetType().Name, from + 1, ex.Message);
            }

            // A page shorter than asked ends at the position read through (catalog records and deleted events take positions too).
            var next = page.Count == PageSize ? page[^1].Seq : target;
            Interlocked.Exchange(ref _position, next);
            applied += page.Count;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Next; // taken before reading, so a batch committed meanwhile wakes the next wait at once
            try
            {
                CatchUp();
                Idle();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                FollowFailed(logger, GetType().Name, ex.Message);
            }

            _caughtUp.TrySetResult();
            try
            {
                await wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (TimeoutException)
            {
                // a periodic look, in case a writer did not signal
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "{Follower} skipped the log page from position {From}: {Reason}")]
    private static partial void BatchFailed(ILogger logger, string follower, long from, string reason);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "{Follower} could not read the log: {Reason}")]
    private static partial void FollowFailed(ILogger logger, string follower, string reason);
}
