using Persona.Core.Pipeline;

namespace Persona.Serving.Maintenance;

/// <summary>Periodic checkpoints (so recovery replays little) and, hourly, retention (old log records, expired dead letters).</summary>
public sealed partial class MaintenanceService(IStoreMaintenance store, TimeProvider clock, ILogger<MaintenanceService> logger) : BackgroundService
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
