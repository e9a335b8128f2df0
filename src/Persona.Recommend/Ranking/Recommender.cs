using System.Diagnostics.CodeAnalysis;
using Persona.Recommend.Feedback;
using Persona.Recommend.Index;
using Persona.Recommend.Ranking.Candidates;
using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking;

/// <summary>
/// Candidates + ranking + rules. Candidates come from the sources in <see cref="CandidateSources"/> (the learned
/// scorer when one is active, co-occurrence with the user's recent items, trending items and new arrivals of the
/// user's top interests and of the request's context, overall trending, new arrivals at cold start, and
/// buy-again); each candidate's features (<see cref="RankingFeatures"/>) are blended with
/// <see cref="BlendWeights"/>; then the rules: excluded, out-of-stock and (configurably) purchased items go,
/// one leaf category holds at most a share of the answer, and trending items fill what is left. The same code
/// serves requests and runs offline evaluation.
/// </summary>
public sealed class Recommender
{
    private readonly RecommendationIndex _index;
    private readonly ItemStats? _stats;

    // Per-request buffers, reused: a request's candidates and features would otherwise be a few hundred KB of garbage.
    private readonly System.Collections.Concurrent.ConcurrentBag<Scratch> _scratch = [];
    private readonly ReasonTexts _texts = new();

    public Recommender(RecommendationIndex index, RecommenderOptions? options = null, ItemStats? stats = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        Options = options ?? new RecommenderOptions();
        Options.Validate();
        _index = index;
        _stats = stats;
    }

    public RecommenderOptions Options { get; }

    /// <summary>Ranks items for the request; <paramref name="id"/> becomes the answer's recommendation id.</summary>
    public Recommendation Recommend(RecommendRequest request, string id, BlendWeights? weights = null, IItemScorer? scorer = null, string? variant = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.K < 1 || request.K > Options.MaxK)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"k: {request.K} is outside 1..{Options.MaxK}");
        }

        weights ??= BlendWeights.Heuristic;
        var learned = scorer is not null && request.User is not null && weights[SequenceFeature.Key] != 0 ? scorer.Top(request, Options.ScorerCandidates) : [];
        var lists = _index.Lists;
        var ranked = _index.Read(r => Rank(r, lists, request, weights, learned));
        var model = scorer is null ? $"blend:{weights.Source}" : $"blend:{weights.Source}+{scorer.Name}";
        return new Recommendation { RecommendationId = id, UserId = request.UserId, Model = model, Variant = variant, Items = ranked };
    }

    private List<RecommendedItem> Rank(RecommendationIndex.Reader r, RankedLists lists, RecommendRequest request, BlendWeights weights, IReadOnlyList<(string ItemId, float Score)> learned)
    {
        var scratch = _scratch.TryTake(out var pooled) ? pooled : new Scratch();
        try
        {
            var context = new RankingContext(_index, r, lists, request, Options, _stats, learned, scratch.Buffers, _texts);
            foreach (var source in CandidateSources.All)
            {
                source.Add(context);
            }

            return Rank(context, weights, scratch);
        }
        finally
        {
            scratch.Buffers.Clear();
            _scratch.Add(scratch);
        }
    }

    /// <summary>Each candidate's features (normalised over the candidates where the feature says so), blended and sorted; then the rules.</summary>
    private List<RecommendedItem> Rank(RankingContext context, BlendWeights weights, Scratch scratch)
    {
        var r = context.Reader;
        var features = RankingFeatures.All;
        var width = features.Count;
        var n = context.Candidates.Count;
        var ids = scratch.Ids(n);
        context.Candidates.CopyTo(ids);
        var values = scratch.Values(n * width);
        Span<float> max = stackalloc float[width];
        for (var i = 0; i < n; i++)
        {
            var candidate = CandidateOf(context, ids[i]);
            for (var j = 0; j < width; j++)
            {
                var v = features[j].Value(context, candidate);
                values[(i * width) + j] = v;
                if (features[j].Normalised)
                {
                    max[j] = Math.Max(max[j], v);
                }
            }
        }

        var w = weights.Vector;
        var order = scratch.Order(n);
        for (var i = 0; i < n; i++)
        {
            var row = values.AsSpan(i * width, width);
            var score = 0.0;
            for (var j = 0; j < width; j++)
            {
                if (features[j].Normalised && max[j] > 0)
                {
                    row[j] /= max[j];
                }

                score += w[j] * row[j];
            }

            order[i] = (score, i);
        }

        order.AsSpan(0, n).Sort((a, b) =>
        {
            var c = b.Score.CompareTo(a.Score);
            return c != 0 ? c : string.CompareOrdinal(r.ItemId(ids[a.Index]), r.ItemId(ids[b.Index]));
        });

        return ApplyRules(context, ids, values, order.AsSpan(0, n), weights);
    }

    private Candidate CandidateOf(RankingContext context, int item)
    {
        var itemId = context.Reader.ItemId(item);
        return Candidate.Of(context, item, itemId, _index.Catalog.Find(itemId));
    }

    /// <summary>The rules: exclusions, stock, purchases, the category cap; trending fills what is left.</summary>
    [SuppressMessage("Maintainability", "CA1502:Avoid excessive complexity", Justification = "The rules are one pass over the ranked candidates (exclusions, stock, purchases, category cap, trending fill) on the request's hot path; to be split into one file per rule like the features")]
    private List<RecommendedItem> ApplyRules(RankingContext context, int[] ids, float[] values, ReadOnlySpan<(double Score, int Index)> order, BlendWeights weights)
    {
        var r = context.Reader;
        var lists = context.Lists;
        var request = context.Request;
        var purchases = context.Purchases;
        var width = RankingFeatures.Count;
        var catalog = _index.Catalog;
        var k = request.K;
        var cap = Options.MaxCategoryShare >= 1 ? k : Math.Max(1, (int)Math.Ceiling(k * Options.MaxCategoryShare));
        var perCategory = new Dictionary<string, int>(StringComparer.Ordinal);
        var chosen = new List<RecommendedItem>(k);
        var taken = new HashSet<int>();
        var overflow = new List<(double Score, int Index)>();
        var pageItem = request.Context.GetValueOrDefault("item");

        // Purchases in the profile's recent items count too: the profile is exact as of the event's 200, while the
        // index follows the log a moment later.
        var recentlyBought = new HashSet<string>(StringComparer.Ordinal);
        var recentlySeen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var recent in request.User?.Recent ?? [])
        {
            recentlySeen.Add(recent.ItemId);
            if (recent.Type == "purchase")
            {
                recentlyBought.Add(recent.ItemId);
            }
        }

        // A request for one domain (context.domain: a business line, the top-level category of its items) answers
        // with its items only: for a user new to it, the blend's shared sources (brand and price interests,
        // co-visitation, trending) carry what they did elsewhere.
        var domain = request.Context.GetValueOrDefault("domain") is { Length: > 0 } d ? d : null;

        bool Eligible(int item)
        {
            var itemId = r.ItemId(item);
            if (request.Exclude.Contains(itemId) || itemId == pageItem || taken.Contains(item))
            {
                return false;
            }

            var record = catalog.Record(itemId);
            if (record is { InStock: false } || (domain is not null && (record?.CategoryPath is not { Count: > 0 } path || path[0] != domain)))
            {
                return false;
            }

            var bought = (purchases is not null && purchases.ContainsKey(item)) || recentlyBought.Contains(itemId);
            var again = r.RepurchaseRate(item) >= Options.RepurchaseRate && bought;
            if (Options.ExcludeRecent && recentlySeen.Contains(itemId) && !again)
            {
                return false;
            }

            return !(Options.ExcludePurchased && bought && !again);
        }

        string Leaf(int item) => catalog.Find(r.ItemId(item))?.Category?.Path ?? string.Empty;

        foreach (var (score, i) in order)
        {
            if (chosen.Count == k)
            {
                break;
            }

            if (!Eligible(ids[i]))
            {
                continue;
            }

            var leaf = Leaf(ids[i]);
            if (leaf.Length > 0 && perCategory.GetValueOrDefault(leaf) >= cap)
            {
                overflow.Add((score, i));
                continue;
            }

            perCategory[leaf] = perCategory.GetValueOrDefault(leaf) + 1;
            taken.Add(ids[i]);
            chosen.Add(Scored(context, ids[i], score, values.AsSpan(i * width, width), weights));
        }

        // Not enough distinct categories: the cap gives way before the answer runs short.
        foreach (var (score, i) in overflow)
        {
            if (chosen.Count == k)
            {
                break;
            }

            taken.Add(ids[i]);
            chosen.Add(Scored(context, ids[i], score, values.AsSpan(i * width, width), weights));
        }

        foreach (var item in lists.Trending.Concat(lists.NewItems))
        {
            if (chosen.Count == k)
            {
                break;
            }

            if (Eligible(item))
            {
                taken.Add(item);
                chosen.Add(new RecommendedItem(r.ItemId(item), 0, [lists.NewItems.Contains(item) ? "new in the shop" : "popular now"]));
            }
        }

        return chosen;
    }

    private RecommendedItem Scored(RankingContext context, int item, double score, ReadOnlySpan<float> row, BlendWeights weights)
    {
        var candidate = CandidateOf(context, item);
        return new RecommendedItem(candidate.ItemId, Math.Round(score, 6), Reasons(context, candidate, row, weights.Vector)) { Features = row.ToArray() };
    }

    /// <summary>What the features with the two largest contributions to the score say (ties to the earlier registered); "popular now" when none contributes.</summary>
    private static List<string> Reasons(RankingContext context, in Candidate candidate, ReadOnlySpan<float> row, ReadOnlySpan<double> w)
    {
        var features = RankingFeatures.All;
        Span<(double Value, int Feature)> contributions = stackalloc (double, int)[features.Count];
        for (var i = 0; i < contributions.Length; i++)
        {
            contributions[i] = (w[i] * row[i], i);
        }

        contributions.Sort(static (a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : a.Feature.CompareTo(b.Feature));
        var reasons = new List<string>(2);
        foreach (var (value, feature) in contributions)
        {
            if (reasons.Count == 2 || value <= 0)
            {
                break;
            }

            if (features[feature].Reason(context, candidate, row[feature]) is { } text)
            {
                reasons.Add(text);
            }
        }

        if (reasons.Count == 0)
        {
            reasons.Add("popular now");
        }

        return reasons;
    }

    /// <summary>Buffers of one request at a time.</summary>
    private sealed class Scratch
    {
        private int[] _ids = new int[1024];
        private float[] _values = new float[1024 * 8];
        private (double Score, int Index)[] _order = new (double, int)[1024];

        public RankingBuffers Buffers { get; } = new();

        public int[] Ids(int n) => _ids.Length >= n ? _ids : _ids = new int[n * 2];

        /// <summary>Each candidate's feature values, a row of <see cref="RankingFeatures.Count"/> in registry order.</summary>
        public float[] Values(int n) => _values.Length >= n ? _values : _values = new float[n * 2];

        public (double Score, int Index)[] Order(int n) => _order.Length >= n ? _order : _order = new (double, int)[n * 2];
    }
}
