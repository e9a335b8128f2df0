using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Pipeline;
using Persona.Recommend.Experiments;
using Persona.Recommend.Feedback;
using Persona.Recommend.Index;
using Persona.Recommend.Ranking;
using Persona.Serving.Experiments;
using Persona.Serving.Hosting;
using Persona.Serving.ModelHosting;
using Persona.Serving.Privacy;

namespace Persona.Serving.Recommendations;

/// <summary>
/// Serves recommendations: the user's profile signals (read under the same hold of the state as a profile
/// read), the running experiment's arm, the <see cref="ServedRecommender"/>, and the answer logged as an
/// impression. Fed by <see cref="RecommendationFollower"/> with every committed event (index and attribution).
/// The running experiment is kept in an <see cref="IExperimentStore"/> (<c>experiment.json</c> on one node, Redis
/// in a cluster, where a report adds up every silo's counts) and the answers in <c>impressions.bin</c> in the data
/// directory; both are read back at start.
/// </summary>
public sealed class RecommendationService : IAsyncDisposable
{
    private readonly IProfileStore _store;
    private readonly ProfileReader _reader;
    private readonly ModelHost _models;
    private readonly TimeProvider _clock;
    private readonly ImpressionLog? _log;
    private readonly IExperimentStore _experiments;
    private readonly NodeIdentity _node;
    private readonly Lock _experimentLock = new();
    private string? _run;
    private long _publishedVersion = -1;

    public RecommendationService(
        IProfileStore store,
        ProfileReader reader,
        ModelHost models,
        IExperimentStore experiments,
        NodeIdentity node,
        Pseudonyms pseudonyms,
        ErasureLedger erasures,
        TimeProvider clock,
        ServingOptions options,
        ILogger<RecommendationService> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _reader = reader;
        _models = models;
        _experiments = experiments;
        _node = node;
        _clock = clock;
        ArgumentNullException.ThrowIfNull(pseudonyms);
        ArgumentNullException.ThrowIfNull(erasures);
        Stack = new ServedRecommender(store.Catalog, options.Recommendations, clock, pseudonyms.Of);
        if (experiments.Load() is { } running)
        {
            Stack.Experiment = new ExperimentResults(running.Experiment);
            _run = running.Run;
        }

        _log = options.LogImpressions ? new ImpressionLog(options.DataDirectory, logger) : null;
        foreach (var impression in ImpressionLog.ReadBack(options.DataDirectory))
        {
            if (!erasures.Erases(impression.UserId, impression.AtMs))
            {
                Stack.Attribution.Shown(impression);
            }
        }
    }

    /// <summary>The impression log this service appends to; null when answers are not logged.</summary>
    public ImpressionLog? Log => _log;

    /// <summary>Drops what the recommender keeps in memory about an erased user (see <see cref="ServedRecommender.Forget"/>).</summary>
    public int Forget(string userId) => Stack.Forget(userId);

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The recommender's parts: index, feedback, rules, impressions and attribution.</summary>
    public ServedRecommender Stack { get; }

    public RecommendationIndex Index => Stack.Index;

    public Recommender Recommender => Stack.Recommender;

    public ItemStats Stats => Stack.Stats;

    public ImpressionBook Book => Stack.Book;

    public Attribution Attribution => Stack.Attribution;

    /// <summary>Committed events taken in, their attribution included.</summary>
    public long Observed => Stack.Observed;

    /// <summary>The running experiment's results, if one runs.</summary>
    public ExperimentResults? Experiment => Stack.Experiment;

    /// <summary>
    /// Answers a request; a <paramref name="shown"/> answer is logged as an impression before it is returned, and one
    /// that is not (a preview for the console) is neither logged nor attributable.
    /// </summary>
    public Recommendation Recommend(string userId, int k, IReadOnlyDictionary<string, string> context, IReadOnlySet<string> exclude, bool shown = true)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var signals = _store.Read(userId, s => UserSignals.Read(_reader, s, _store.Catalog, now));
        var experiment = Experiment;
        var variant = experiment is null ? null : Bucketing.Assign(experiment.Experiment, userId);
        var request = new RecommendRequest { UserId = userId, K = k, User = signals, Context = context, Exclude = exclude, NowMs = now };
        var id = Guid.CreateVersion7(_clock.GetUtcNow()).ToString("N");
        var answer = Stack.Recommend(request, id, Stack.Scorer(_models.Current), variant);
        if (!shown)
        {
            return answer;
        }

        var impression = Stack.Shown(answer, experiment?.Experiment.Id, now);
        _log?.Append(impression);
        return answer;
    }

    /// <summary>Takes in committed events (the follower's thread): the index, then attribution.</summary>
    internal void Observe(IReadOnlyList<LoggedEvent> events)
    {
        var batch = new BehaviorEvent[events.Count];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = events[i].Event;
        }

        Stack.Observe(batch);
        Index.RefreshIfDue();
    }

    /// <summary>Starts an experiment (none other may run); its results start empty.</summary>
    public ExperimentResults Start(Experiment experiment)
    {
        lock (_experimentLock)
        {
            var running = _experiments.Start(experiment);
            return Take(running)!;
        }
    }

    /// <summary>Stops the running experiment; false when <paramref name="id"/> is not running.</summary>
    public bool Stop(string id)
    {
        lock (_experimentLock)
        {
            if (!_experiments.Finish(id))
            {
                return false;
            }

            Take(null);
            return true;
        }
    }

    /// <summary>
    /// The report of the experiment <paramref name="id"/>, or null when it is not the one running: this server's
    /// counts, and where the experiment is shared, every other server's as last published (within a second).
    /// </summary>
    public ExperimentReport? Report(string id)
    {
        if (_experiments.IsShared)
        {
            SyncExperiment();
        }

        string? run;
        ExperimentResults? results;
        lock (_experimentLock)
        {
            (run, results) = (_run, Experiment);
        }

        if (results is null || run is null || results.Experiment.Id != id)
        {
            return null;
        }

        var node = _node.Id;
        var tallies = _experiments.IsShared
            ? _experiments.Tallies(run).Where(t => t.Key != node).Select(t => t.Value).Append(results.Tally())
            : [results.Tally()];
        return ExperimentResults.Report(results.Experiment, tallies);
    }

    /// <summary>
    /// Follows a shared experiment store: takes an experiment started or stopped elsewhere, then publishes this
    /// server's counts if they changed since they were last published.
    /// </summary>
    public void SyncExperiment()
    {
        lock (_experimentLock)
        {
            var running = _experiments.Load();
            if (running?.Run != _run)
            {
                Take(running);
            }

            if (Experiment is { } results && _run is { } run && results.Version != _publishedVersion)
            {
                var version = results.Version;
                _experiments.Publish(run, _node.Id, results.Tally());
                _publishedVersion = version;
            }
        }
    }

    /// <summary>Serves <paramref name="running"/> (or no experiment) from now on, with counts from zero.</summary>
    private ExperimentResults? Take(RunningExperiment? running)
    {
        var results = running is null ? null : new ExperimentResults(running.Experiment);
        Stack.Experiment = results;
        _run = running?.Run;
        _publishedVersion = -1;
        return results;
    }

    public ValueTask DisposeAsync() => _log?.DisposeAsync() ?? ValueTask.CompletedTask;
}
