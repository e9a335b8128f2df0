namespace Persona.Serving.Segments;

/// <summary>
/// Where the segment definitions are shared (a cluster's silos), takes the changes other processes saved into
/// this process's <see cref="SegmentBook"/> once a second from the host's start; on one node (a file of its own)
/// it does nothing.
/// </summary>
public sealed partial class SegmentDefinitionSync(ISegmentDefinitionStore definitions, SegmentBook book, TimeProvider clock, ILogger<SegmentDefinitionSync> logger, IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    /// <summary>How often the shared definitions are read.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!definitions.IsShared)
        {
            return;
        }

        // From the host's start on (a silo's grains answer only then; a backfill reads every partition). A host
        // without a lifetime (the command line's plain service provider) runs no background work at all.
        if (lifetime is not null)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }
        }

        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                book.Sync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                SyncFailed(logger, definitions.Where, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 73, Level = LogLevel.Warning, Message = "Reading the segment definitions in {Where} failed ({Message}); retrying")]
    private static partial void SyncFailed(ILogger logger, string where, string message);
}
