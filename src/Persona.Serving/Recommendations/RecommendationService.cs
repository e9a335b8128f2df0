using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Pipeline;
using Persona.Recommend.Experiments;
using Persona.Recommend.Feedback;
using Persona.Recommend.Index;
using Persona.Recommend.Ranking;
using Persona.Serving.ModelHosting;

namespace Persona.Serving.Recommendations;

/// <summary>
/// Serves recommendations: the user's profile signals (read under the same hold of the state as a profile
/// read), the running experiment's arm, the <see cref="ServedRecommender"/>, and the answer logged as an
/// impression. Fed by <see cref="RecommendationFollower"/> with every committed event (index and attribution).
/// The running experiment is kept in <c>experiment.json</c> and the answers in <c>impressions.bin</c> in the
/// data directory; both are read back at start.
/// </summary>
public sealed class RecommendationService : IAsyncDisposable
{
    private readonly IProfileStore _store;
    private readonly ProfileReader _reader;
    private readonly ModelHost _models;
    private readonly TimeProvider _clock;
    private readonly ImpressionLog? _log;
    private readonly string _experimentPath;
    private readonly Lock _experimentLock = new();

    public RecommendationService(IProfileStore store, ProfileReader reader, ModelHost models, TimeProvider clock, ServingOptions options, ILogger<RecommendationService> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _reader = reader;
        _models = models;
        _clock = clock;
        Stack = new ServedRecommender(store.Catalog, options.Recommendations, clock);
        _experimentPath = Path.Combine(options.DataDirectory, "experiment.json");
        if (File.Exists(_experimentPath) && JsonSerializer.Deserialize<Experiment>(File.ReadAllText(_experimentPath), JsonOptions) is { } running)
        {
            Stack.Experiment = new ExperimentResults(running);
        }

        _log = options.LogImpressions ? new ImpressionLog(options.DataDirectory, logger) : null;
        foreach (var impression in ImpressionLog.ReadBack(options.DataDirectory))
        {
            Stack.Attribution.Shown(impression);
        }
    }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The recommender's parts: index, feedback, rules, impressions and attribution.</summary>
    public ServedRecommender Stack { get; }

    public RecommendationIndex Index => Stack.Index;

    public Recommender Recommender => Stack.Recommender;

    public ItemStats Stats => Stack.Stats;

    public ImpressionBook Book => Stack.Book;

    public Attribution Attribution => Stack.Attribution;

    /// <summary>The running experiment's results, if one runs.</summary>
    public ExperimentResults? Experiment => Stack.Experiment;

    /// <summary>Answers a request; the answer is logged as an impression before it is returned.</summary>
    public Recommendation Recommend(string userId, int k, IReadOnlyDictionary<string, string> context, IReadOnlySet<string> exclude)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var signals = _store.Read(userId, s => UserSignals.Read(_reader, s, _store.Catalog, now));
        var experiment = Experiment;
        var variant = experiment is null ? null : Bucketing.Assign(experiment.Experiment, userId);
        var request = new RecommendRequest { UserId = userId, K = k, User = signals, Context = context, Exclude = exclude, NowMs = now };
        var id = Guid.CreateVersion7(_clock.GetUtcNow()).ToString("N");
        var answer = Stack.Recommend(request, id, Stack.Scorer(_models.Current), variant);
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
            if (Experiment is { } running && running.Experiment.Id != experiment.Id)
            {
                throw new InvalidOperationException($"experiment '{running.Experiment.Id}' is running: stop it first");
            }

            var tmp = _experimentPath + ".tmp";
            File.WriteAllText(tmp, JsonSerializer.Serialize(experiment, JsonOptions));
            File.Move(tmp, _experimentPath, overwrite: true);
            var results = new ExperimentResults(experiment);
            Stack.Experiment = results;
            return results;
        }
    }

    /// <summary>Stops the running experiment; false when <paramref name="id"/> is not running.</summary>
    public bool Stop(string id)
    {
        lock (_experimentLock)
        {
            if (Experiment?.Experiment.Id != id)
            {
                return false;
            }

            File.Delete(_experimentPath);
            Stack.Experiment = null;
            return true;
        }
    }

    public ValueTask DisposeAsync() => _log?.DisposeAsync() ?? ValueTask.CompletedTask;
}
