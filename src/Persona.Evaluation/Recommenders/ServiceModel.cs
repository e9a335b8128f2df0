using System.Globalization;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Recommend.Index;
using Persona.Recommend.Ranking;
using Persona.Serving.Recommendations;

namespace Persona.Evaluation.Recommenders;

/// <summary>
/// The served recommender, offline: the training events are replayed into the same
/// <see cref="ServedRecommender"/> the service keeps from its log, each user's history is replayed through
/// the same <see cref="ProfileEngine"/> for the profile's signals, and the stack's recommender (candidates,
/// blend, rules) answers. An optional inner model (the sequence model) is its learned scorer.
/// With <c>Learn</c>, the blend weights are chosen by coordinate ascent on each user's validation item (the
/// last training item, with an index built without it); the test items are never seen.
/// The answer's top <c>K</c> items get scores K, K−1, ...; every other item scores below them, so the
/// protocol's rank of the test item is its position in the answer, or past it.
/// </summary>
public sealed class ServiceModel(ISequenceModel? inner, ServiceModelOptions? options = null, Action<string>? log = null) : ISequenceModel
{
    private readonly ServiceModelOptions _options = options ?? new ServiceModelOptions();
    private readonly ProfileEngine _engine = new(new EngineConfig());
    private readonly CatalogIndex _catalog = new();
    private SequenceDataset? _dataset;
    private ServedRecommender? _stack;
    private long _requests;

    /// <summary>The learned scorer's model, if any.</summary>
    public ISequenceModel? Inner => inner;

    public string Name => inner is null ? "service" : $"service+{inner.Name}";

    /// <summary>The blend in use (the heuristic, or the learned weights after <see cref="Fit"/>).</summary>
    public BlendWeights Weights { get; private set; } = BlendWeights.Heuristic;

    /// <summary>The validation NDCG@10 of the heuristic and of the learned weights (when learned).</summary>
    public (double Heuristic, double Learned)? Validation { get; private set; }

    public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        _dataset = dataset;
        _catalog.Upsert(dataset.Catalog);
        inner?.Fit(dataset, training);
        // Sources left out: the learned scorer's weight without one, and those ablated (to measure what each adds).
        List<string> skip = [.. _options.Ablate];
        if (inner is null)
        {
            skip.Add(RankingFeatures.LearnedScorer);
        }

        foreach (var name in skip)
        {
            RankingFeatures.Require(name);
        }

        if (_options.Learn)
        {
            var validation = training.Select(s => s.Length >= 2 ? s[..^1] : s).ToList();
            var stack = Stack(validation);
            var rng = new Random(_options.Seed);
            var users = Enumerable.Range(0, dataset.Users).Where(u => training[u].Length >= 2).OrderBy(_ => rng.Next()).Take(_options.ValidationUsers).Order().ToList();
            var cases = users.Select(u => (User: u, History: validation[u], Target: training[u][^1].Item, Signals: Signals(u, validation[u]), Learned: Learned(u, validation[u]))).ToList();
            double Objective(BlendWeights w)
            {
                var total = 0.0;
                foreach (var c in cases)
                {
                    var answer = stack.Recommend(Request(c.User, c.History, c.Signals, 10), string.Empty, w, c.Learned is null ? null : new FixedScorer(c.Learned));
                    for (var p = 0; p < answer.Items.Count; p++)
                    {
                        if (answer.Items[p].ItemId == dataset.ItemIds[c.Target])
                        {
                            total += 1 / Math.Log2(p + 2);
                            break;
                        }
                    }
                }

                return total / Math.Max(1, cases.Count);
            }

            var heuristic = Objective(BlendWeights.Heuristic.Without(skip));
            var (weights, value) = BlendSearch.Run(Objective, BlendWeights.Heuristic, "learned", rounds: _options.Rounds, fixedAtZero: skip, report: (w, v) => log?.Invoke($"blend {w}: validation NDCG@10 {v:0.0000}"));
            Weights = weights;
            Validation = (heuristic, value);
            log?.Invoke($"blend chosen on {cases.Count} validation users: NDCG@10 {value:0.0000} (heuristic {heuristic:0.0000})");
        }
        else
        {
            Weights = BlendWeights.Heuristic.Without(skip);
        }

        _stack = Stack(training);
    }

    public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores)
    {
        var stack = _stack ?? throw new InvalidOperationException("service model: Fit first");
        var dataset = _dataset!;
        var known = history.ToArray();
        var learned = Learned(user, known);
        var answer = stack.Recommend(Request(user, known, Signals(user, known), _options.K), (++_requests).ToString(CultureInfo.InvariantCulture), Weights, learned is null ? null : new FixedScorer(learned));
        scores.Fill(-1);
        for (var p = 0; p < answer.Items.Count; p++)
        {
            var item = Index(dataset, answer.Items[p].ItemId);
            if (item >= 0)
            {
                scores[item] = answer.Items.Count - p;
            }
        }
    }

    private Dictionary<string, int>? _itemIndex;

    private int Index(SequenceDataset dataset, string itemId)
    {
        _itemIndex ??= dataset.ItemIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        return _itemIndex.GetValueOrDefault(itemId, -1);
    }

    private RecommendRequest Request(int user, Interaction[] history, UserSignals? signals, int k)
    {
        var dataset = _dataset!;
        return new RecommendRequest
        {
            UserId = UserId(user),
            K = k,
            User = signals,
            NowMs = history.Length == 0 ? 0 : history[^1].TimeMs,
            Exclude = history.Select(x => dataset.ItemIds[x.Item]).ToHashSet(StringComparer.Ordinal),
        };
    }

    private string UserId(int user) => user >= 0 && user < _dataset!.Users ? _dataset.UserIds[user] : "session";

    /// <summary>The inner model's best items for the history (null without one).</summary>
    private IReadOnlyList<(string ItemId, float Score)>? Learned(int user, Interaction[] history)
    {
        if (inner is null || history.Length == 0)
        {
            return null;
        }

        var dataset = _dataset!;
        var dense = new float[dataset.Items];
        inner.Score(user, history, dense);
        var n = Math.Min(_options.Recommender.ScorerCandidates, dense.Length);
        var top = Enumerable.Range(0, dense.Length).OrderByDescending(i => dense[i]).ThenBy(i => i).Take(n);
        return [.. top.Select(i => (dataset.ItemIds[i], dense[i]))];
    }

    /// <summary>The profile's signals after replaying the history through the engine (null for no history: cold start).</summary>
    private UserSignals? Signals(int user, Interaction[] history)
    {
        if (history.Length == 0)
        {
            return null;
        }

        var state = new ProfileState(UserId(user));
        foreach (var e in Events(user, history))
        {
            _engine.Apply(state, e, _catalog);
        }

        return UserSignals.Read(new ProfileReader(_engine), state, _catalog, history[^1].TimeMs);
    }

    /// <summary>The served recommendation stack over the sequences' events, replayed in time order as the service's log would hold them.</summary>
    private ServedRecommender Stack(IReadOnlyList<Interaction[]> sequences)
    {
        var stack = new ServedRecommender(_catalog, new RecommendationsOptions { Index = _options.Index, Recommender = _options.Recommender });
        stack.Observe([.. sequences
            .SelectMany((s, u) => Events(u, s))
            .OrderBy(e => e.TimestampMs)
            .ThenBy(e => e.UserId, StringComparer.Ordinal)]);
        stack.Index.Refresh();
        return stack;
    }

    /// <summary>Interactions as the events the service would have logged: a rated one as a rating, any other as its type or a purchase.</summary>
    private IEnumerable<BehaviorEvent> Events(int user, Interaction[] history)
    {
        var dataset = _dataset!;
        var userId = UserId(user);
        for (var k = 0; k < history.Length; k++)
        {
            var x = history[k];
            yield return new BehaviorEvent
            {
                EventId = $"{userId}/{k}",
                Type = x.Type ?? (x.Rating is null ? (byte)EventType.Purchase : (byte)EventType.Rate),
                UserId = userId,
                ItemId = dataset.ItemIds[x.Item],
                TimestampMs = x.TimeMs,
                Rating = x.Rating is { } r ? DatasetLoader.Stars(r) : null,
            };
        }
    }

    /// <summary>A scorer whose answer was computed beforehand.</summary>
    private sealed class FixedScorer(IReadOnlyList<(string ItemId, float Score)> top) : IItemScorer
    {
        public string Name => "sequence";

        public IReadOnlyList<(string ItemId, float Score)> Top(RecommendRequest request, int n) => top;
    }
}

/// <summary>Settings of the offline service model.</summary>
public sealed record ServiceModelOptions
{
    public IndexOptions Index { get; init; } = new();

    /// <summary>Candidate counts and rules, the service defaults unless changed.</summary>
    public RecommenderOptions Recommender { get; init; } = new();

    /// <summary>Items per answer (the protocol's metrics look at the first 20).</summary>
    public int K { get; init; } = 50;

    /// <summary>Learn the blend on validation items.</summary>
    public bool Learn { get; init; } = true;

    /// <summary>Users whose validation item scores a blend.</summary>
    public int ValidationUsers { get; init; } = 3_000;

    public int Rounds { get; init; } = 2;

    public int Seed { get; init; } = 42;

    /// <summary>Blend features held at weight 0 (names as in <see cref="RankingFeatures.Names"/>), to measure what a source adds.</summary>
    public IReadOnlyCollection<string> Ablate { get; init; } = [];
}
