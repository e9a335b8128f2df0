using System.Diagnostics;
using Persona.Serving.Profiles;

namespace Persona.Serving.Analysis;

/// <summary>
/// Serves the behaviour analysis: one pass over every served profile (<see cref="BehaviourAnalysis"/>), kept and
/// served again for <see cref="ServingOptions.AnalysisMaxAge"/>. One pass runs at a time; requests that arrive during
/// it get its result. A pass costs a profile read per user (about 10 µs each from memory), so the analysis of
/// 100,000 users costs about a second of one core, however many events they sent.
/// </summary>
public sealed class AnalysisService(ProfileViews views, TimeProvider clock, ServingOptions options) : IDisposable
{
    private readonly SemaphoreSlim _computing = new(1, 1);
    private BehaviourReport? _latest;

    /// <summary>The latest report when it is recent enough and <paramref name="fresh"/> is false; otherwise a new one (or one computed since the request).</summary>
    public async Task<BehaviourReport> ReportAsync(bool fresh, CancellationToken ct)
    {
        var asked = clock.GetUtcNow();
        if (Usable(Volatile.Read(ref _latest), asked, fresh) is { } ready)
        {
            return ready;
        }

        await _computing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Usable(Volatile.Read(ref _latest), asked, fresh) is { } computedMeanwhile)
            {
                return computedMeanwhile;
            }

            var report = await Task.Run(() => Compute(ct), ct).ConfigureAwait(false);
            Volatile.Write(ref _latest, report);
            return report;
        }
        finally
        {
            _computing.Release();
        }
    }

    /// <summary>A new report, computed now on the calling thread.</summary>
    public BehaviourReport Compute(CancellationToken ct = default)
    {
        var start = Stopwatch.GetTimestamp();
        var analysis = new BehaviourAnalysis(clock.GetUtcNow());
        views.VisitProfiles(p => analysis.Add(p.View), k: 1, ct);
        return analysis.Build(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    public void Dispose() => _computing.Dispose();

    private BehaviourReport? Usable(BehaviourReport? report, DateTimeOffset asked, bool fresh) =>
        report is null ? null
        : fresh ? (report.AsOf >= asked ? report : null)
        : asked - report.AsOf <= options.AnalysisMaxAge ? report : null;
}
