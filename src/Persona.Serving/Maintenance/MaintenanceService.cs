using Persona.Core.Pipeline;
using Persona.Serving.Privacy;

namespace Persona.Serving.Maintenance;

/// <summary>
/// Periodic checkpoints (so recovery replays little); hourly, retention (old log records, expired dead letters);
/// and a purge once the oldest pending erasure is <see cref="ServingOptions.ErasurePurgeWithin"/> old, so that an
/// erased user's bytes leave the files within that bound.
/// </summary>
public sealed partial class MaintenanceService(IStoreMaintenance store, UserErasure erasure, TimeProvider clock, ILogger<MaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), clock);
        var ticks = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                store.CheckpointIfDue();
                if (++ticks % 720 == 0)
                {
                    // Off the timer's thread: compaction holds the write lock only to choose what to delete.
                    await Task.Run(store.CompactRetention, stoppingToken);
                }

                if (erasure.PurgeDue)
                {
                    await Task.Run(erasure.Purge, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed store says so in its health and refuses writes; the service goes on serving reads.
                MaintenanceSkipped(logger, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Maintenance skipped: {Reason}")]
    private static partial void MaintenanceSkipped(ILogger logger, string reason);
}
