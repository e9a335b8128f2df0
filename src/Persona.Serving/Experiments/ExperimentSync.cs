using Persona.Serving.Recommendations;

namespace Persona.Serving.Experiments;

/// <summary>
/// Where the running experiment is shared (a cluster's silos), once a second from the host's start: takes an
/// experiment started or stopped through another silo, and publishes this silo's counts when they changed
/// (<see cref="RecommendationService.SyncExperiment"/>); on one node (a file of its own) it does nothing.
/// </summary>
public sealed partial class ExperimentSync(IExperimentStore experiments, RecommendationService service, TimeProvider clock, ILogger<ExperimentSync> logger, IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    /// <summary>How often the shared experiment is read and this silo's counts published.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!experiments.IsShared || lifetime is null)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                service.SyncExperiment();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                SyncFailed(logger, experiments.Where, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 74, Level = LogLevel.Warning, Message = "Sharing the running experiment through {Where} failed ({Message}); retrying")]
    private static partial void SyncFailed(ILogger logger, string where, string message);
}
