using Persona.Core.Pipeline;
using Persona.Storage.RocksDb;

namespace Persona.Server;

/// <summary>Periodic checkpoints (so recovery replays little) and retention compaction.</summary>
internal sealed class MaintenanceService(IProfileStore store, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), clock);
        var ticks = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (store is not EmbeddedProfileStore embedded)
            {
                continue;
            }

            embedded.CheckpointIfDue();
            if (++ticks % 720 == 0)
            {
                embedded.CompactRetention();
            }
        }
    }
}
