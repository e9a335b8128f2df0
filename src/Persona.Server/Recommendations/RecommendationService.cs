using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Pipeline;
using Persona.Recommend.Experiments;
using Persona.Recommend.Feedback;
using Persona.Recommend.Index;
using Persona.Recommend.Ranking;
using Persona.Server.Models;

namespace Persona.Server.Recommendations;

/// <summary>
/// Serves recommendations: the user's profile signals (read under the same hold of the state as a profile
/// read), the running experiment's arm, the recommender, and the answer logged as an impression. Fed by
/// <see cref="RecommendationFollower"/> with every committed event (index and attribution).
/// </summary>
public sealed class RecommendationService : IAsyncDisposable
{
    private readonly IProfileStore _store;
    private readonly ProfileReader _reader;
    private readonly ModelHost _models;
    private readonly TimeProvider _clock;
    private readonly ImpressionLog _log;
    private readonly string _experimentPath;
    private readonly Lock _experimentLock = new();
    private readonly BlendWeights _blend;
    private SequenceScorer? _scorer;

    public RecommendationService(IProfileStore store, ProfileReader reader, ModelHost models, TimeProvider clock, ServerOptions options, ILogger<RecommendationService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _reader = reader;
        _models = models;
        _clock = clock;
        _blend = options.Recommendations.Blend;
        Index = new RecommendationIndex(store.Catalog, options.Recommendations.Index, clock);
        Stats = new ItemStats();
        Recommender = new Recommender(Index, options.Recommendations.Recommender, Stats);
        Book = new ImpressionBook(options.Recommendations.ImpressionsKept);
        Attribution = new Attribution(Book, Stats);
        _experimentPath = Path.Combine(options.DataDirectory, "experiment.json");
        if (File.Exists(_experimentPath) && JsonSerializer.Deserialize<Experiment>(File.ReadAllText(_experimentPath), JsonOptions) is { } running)
        {
            Attribution.Experiment = new ExperimentResults(running);
        }

        _log = new ImpressionLog(options.DataDirectory, logger);
        foreach (var impression in ImpressionLog.ReadBack(options.DataDirectory))
        {
            Attribution.Shown(impression);
        }
    }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public RecommendationIndex Index { get; }

    public Recommender Recommender { get; }

    public ItemStats Stats { get; }

    public ImpressionBook Book { get; }

    public Attribution Attribution { get; }

    /// <summary>The running experiment's results, if one runs.</summary>
    public ExperimentResults? Experiment => Attribution.Experiment;

    /// <summary>Answers a request; the answer is logged as an impression before it is returned.</summary>
    public Recommendation Recommend(string userId, int k, IReadOnlyDictionary<string, string> context, IReadOnlySet<string> exclude)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var signals = _store.Read(userId, s => UserSignals.Read(_reader, s, _store.Catalog, now));
        var experiment = Experiment;
        var variant = experiment is null ? null : Bucketing.Assign(experiment.Experiment, userId);
        var request = new RecommendRequest { UserId = userId, K = k, User = signals, Context = context, Exclude = exclude, NowMs = now };
        var scorer = variant is { UseModel: false } || variant?.Policy == Variant.Popularity ? null : Scorer();
        var weights = variant?.Policy == Variant.Popularity
            ? BlendWeights.FromArray([0, 0, 0, 1, 0, 0, 0, 0], "popularity")
            : variant?.Blend ?? _blend;
        var id = Guid.CreateVersion7(_clock.GetUtcNow()).ToString("N");
        var answer = Recommender.Recommend(request, id, weights, scorer, variant?.Name);
        var impression = Impression.Of(answer, experiment?.Experiment.Id, now);
        Attribution.Shown(impression);
        _log.Append(impression);
        return answer;
    }

    /// <summary>Takes in committed events (the follower's thread): the index, then attribution.</summary>
    internal void Observe(IReadOnlyList<LoggedEvent> events)
    {
        Index.Observe(events.Select(l => l.Event));
        foreach (var l in events)
        {
            Attribution.Observe(l.Event);
        }

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
            Attribution.Experiment = results;
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
            Attribution.Experiment = null;
            return true;
        }
    }

    private SequenceScorer? Scorer()
    {
        var sequence = _models.Current.Sequence;
        if (sequence?.Sequence is null)
        {
            return null;
        }

        var scorer = Volatile.Read(ref _scorer);
        if (scorer is null || !scorer.Serves(sequence))
        {
            scorer = new SequenceScorer(sequence);
            Volatile.Write(ref _scorer, scorer);
        }

        return scorer;
    }

    public ValueTask DisposeAsync() => _log.DisposeAsync();
}
