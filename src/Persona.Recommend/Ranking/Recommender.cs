using Persona.Core.Catalog;
using Persona.Recommend.Feedback;
using Persona.Recommend.Index;

namespace Persona.Recommend.Ranking;

/// <summary>
/// Candidates + ranking + rules. Candidates come from the learned scorer (when one is active), co-occurrence
/// with the user's recent items, trending items of the user's top interests and of the request's context,
/// new arrivals matching them, overall trending, and buy-again; each candidate's features are blended with
/// <see cref="BlendWeights"/>; then the rules: excluded, out-of-stock and (configurably) purchased items go,
/// one leaf category holds at most a share of the answer, and trending items fill what is left. The same code
/// serves requests and runs offline evaluation.
/// </summary>
public sealed class Recommender
{
    private const float AnchorDecay = 0.85f;
    private readonly RecommendationIndex _index;
    private readonly ItemStats? _stats;

    // Per-request buffers, reused: a request's candidates and features would otherwise be a few hundred KB of garbage.
    private readonly System.Collections.Concurrent.ConcurrentBag<Scratch> _scratch = [];

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
        var w = weights.ToArray();
        var learned = scorer is not null && request.User is not null && w[0] != 0 ? scorer.Top(request, Options.ScorerCandidates) : [];
        var lists = _index.Lists;
        var ranked = _index.Read(r => Rank(r, lists, request, w, learned));
        var model = scorer is null ? $"blend:{weights.Source}" : $"blend:{weights.Source}+{scorer.Name}";
        return new Recommendation { RecommendationId = id, UserId = request.UserId, Model = model, Variant = variant, Items = ranked };
    }

    private List<RecommendedItem> Rank(RecommendationIndex.Reader r, RankedLists lists, RecommendRequest request, double[] w, IReadOnlyList<(string ItemId, float Score)> learned)
    {
        var scratch = _scratch.TryTake(out var pooled) ? pooled : new Scratch();
        try
        {
            return Rank(r, lists, request, w, learned, scratch);
        }
        finally
        {
            scratch.Candidates.Clear();
            _scratch.Add(scratch);
        }
    }

    private List<RecommendedItem> Rank(RecommendationIndex.Reader r, RankedLists lists, RecommendRequest request, double[] w, IReadOnlyList<(string ItemId, float Score)> learned, Scratch scratch)
    {
        var catalog = _index.Catalog;
        var candidates = scratch.Candidates;
        var user = request.User;

        // The learned scorer: softmax relative to its best candidate.
        if (learned.Count > 0)
        {
            var best = learned[0].Score;
            foreach (var (itemId, score) in learned)
            {
                var item = r.Find(itemId);
                if (item >= 0)
                {
                    var f = candidates.GetValueOrDefault(item);
                    f.Sequence = MathF.Exp(score - best);
                    candidates[item] = f;
                }
            }
        }

        // Co-occurrence with the recent items (and the item on the page), newest weighing most.
        var anchors = Anchors(r, request);
        var neighbours = scratch.Neighbours;
        for (var p = 0; p < anchors.Count; p++)
        {
            var decay = MathF.Pow(AnchorDecay, p);
            r.Neighbours(anchors[p], Options.NeighboursPerAnchor, neighbours);
            foreach (var (item, sim) in neighbours)
            {
                var f = candidates.GetValueOrDefault(item);
                var add = decay * sim;
                if (f.CoOccurrence == 0 || add > f.CoOccurrence)
                {
                    f.CoOccurrenceAnchor = anchors[p];
                }

                f.CoOccurrence += add;
                candidates[item] = f;
            }
        }

        // Interests and context: trending items and new arrivals of the top category nodes and brands.
        var interests = user?.Interests ?? new Dictionary<ulong, double>();
        var topics = interests
            .Where(p => FeatureId.KindOf(p.Key) is FeatureKind.Category or FeatureKind.Brand)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(Options.InterestAnchors).Select(p => p.Key).ToList();
        var contextFeatures = ContextFeatures(request);
        foreach (var f in topics.Concat(contextFeatures))
        {
            AddAll(candidates, lists.TrendingByFeature.GetValueOrDefault(f), Options.ItemsPerInterest);
            AddAll(candidates, lists.NewByFeature.GetValueOrDefault(f), 5);
        }

        AddAll(candidates, lists.Trending, Options.TrendingCandidates);
        if (user is null && contextFeatures.Count == 0)
        {
            AddAll(candidates, lists.NewItems, 5); // cold start: give a few new arrivals a chance
        }

        // Buy-again: what the user bought and people buy again.
        var purchases = r.Purchases(request.UserId);
        if (purchases is not null)
        {
            foreach (var (item, _) in purchases)
            {
                var rate = r.RepurchaseRate(item);
                if (rate >= Options.RepurchaseRate)
                {
                    var f = candidates.GetValueOrDefault(item);
                    f.BuyAgain = (float)Math.Min(1, rate * 2);
                    candidates[item] = f;
                }
            }
        }

        // Features of every candidate, normalised to [0, 1] over the candidates.
        var n = candidates.Count;
        var ids = scratch.Ids(n);
        candidates.Keys.CopyTo(ids, 0);
        var feats = scratch.Feats(n);
        float maxCooc = 0, maxInterest = 0;
        var query = Tokens(request.Context.GetValueOrDefault("query"));
        for (var i = 0; i < n; i++)
        {
            var f = candidates[ids[i]];
            var itemId = r.ItemId(ids[i]);
            var features = catalog.Find(itemId);
            f.Trending = lists.MaxScore > 0 ? (float)Math.Min(1, r.Trending(ids[i]) / lists.MaxScore) : 0;
            if (features is not null)
            {
                var best = 0.0;
                var sum = 0.0;
                foreach (var feature in features.Features)
                {
                    if (interests.TryGetValue(feature, out var s))
                    {
                        sum += s;
                        if (s > best && FeatureId.KindOf(feature) is FeatureKind.Category or FeatureKind.Brand)
                        {
                            best = s;
                            f.InterestAnchor = feature;
                        }
                    }

                    if (contextFeatures.Contains(feature))
                    {
                        f.Context = 1;
                    }
                }

                f.Interest = (float)sum;
                if (r.Events(ids[i]) < _index.Options.NewItemMaxEvents && sum > 0)
                {
                    f.NewArrival = 1;
                }
            }

            if (query.Count > 0 && Matches(catalog, itemId, query))
            {
                f.Context = 1;
            }

            f.ClickThrough = _stats?.Lift(itemId) ?? 0.5f;
            maxCooc = Math.Max(maxCooc, f.CoOccurrence);
            maxInterest = Math.Max(maxInterest, f.Interest);
            feats[i] = f;
        }

        var order = scratch.Order(n);
        for (var i = 0; i < n; i++)
        {
            if (maxCooc > 0)
            {
                feats[i].CoOccurrence /= maxCooc;
            }

            if (maxInterest > 0)
            {
                feats[i].Interest /= maxInterest;
            }

            order[i] = (feats[i].Score(w), i);
        }

        order.AsSpan(0, n).Sort((a, b) =>
        {
            var c = b.Score.CompareTo(a.Score);
            return c != 0 ? c : string.CompareOrdinal(r.ItemId(ids[a.Index]), r.ItemId(ids[b.Index]));
        });

        return ApplyRules(r, lists, request, purchases, ids, feats, order.AsSpan(0, n), w);
    }

    /// <summary>The rules: exclusions, stock, purchases, the category cap; trending fills what is left.</summary>
    private List<RecommendedItem> ApplyRules(
        RecommendationIndex.Reader r, RankedLists lists, RecommendRequest request, IReadOnlyDictionary<int, int>? purchases,
        int[] ids, CandidateFeatures[] feats, ReadOnlySpan<(double Score, int Index)> order, double[] w)
    {
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

        bool Eligible(int item)
        {
            var itemId = r.ItemId(item);
            if (request.Exclude.Contains(itemId) || itemId == pageItem || taken.Contains(item))
            {
                return false;
            }

            if (catalog.Record(itemId) is { InStock: false })
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
            chosen.Add(new RecommendedItem(r.ItemId(ids[i]), Math.Round(score, 6), Reasons(r, feats[i], w, ids[i])) { Features = feats[i].ToArray() });
        }

        // Not enough distinct categories: the cap gives way before the answer runs short.
        foreach (var (score, i) in overflow)
        {
            if (chosen.Count == k)
            {
                break;
            }

            taken.Add(ids[i]);
            chosen.Add(new RecommendedItem(r.ItemId(ids[i]), Math.Round(score, 6), Reasons(r, feats[i], w, ids[i])) { Features = feats[i].ToArray() });
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

    private List<string> Reasons(RecommendationIndex.Reader r, CandidateFeatures f, double[] w, int item)
    {
        var contributions = new (double Value, int Feature)[CandidateFeatures.Count];
        for (var i = 0; i < CandidateFeatures.Count; i++)
        {
            contributions[i] = (w[i] * f[i], i);
        }

        Array.Sort(contributions, (a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : a.Feature.CompareTo(b.Feature));
        var reasons = new List<string>(2);
        foreach (var (value, feature) in contributions)
        {
            if (reasons.Count == 2 || value <= 0)
            {
                break;
            }

            var text = feature switch
            {
                0 => "picked for you from your recent items",
                1 => $"because you viewed {r.ItemId(f.CoOccurrenceAnchor)}",
                2 when f.InterestAnchor != 0 => $"matches your interest in {FeatureDisplay(f.InterestAnchor)}",
                2 => "matches your interests",
                3 => Leaf(r.ItemId(item)) is { Length: > 0 } leaf ? $"popular in {leaf}" : "popular now",
                4 => "buy again",
                5 => Leaf(r.ItemId(item)) is { Length: > 0 } leaf ? $"new in {leaf}" : "new in the shop",
                6 => "matches what you are looking at",
                _ => "often clicked",
            };
            if (feature == 7 && f.ClickThrough <= 0.5f)
            {
                continue; // average click-through is no reason
            }

            reasons.Add(text);
        }

        if (reasons.Count == 0)
        {
            reasons.Add("popular now");
        }

        return reasons;
    }

    private string Leaf(string itemId)
    {
        var path = _index.Catalog.Find(itemId)?.Category?.Path;
        return path is null ? string.Empty : path[(path.LastIndexOf('/') + 1)..];
    }

    private string FeatureDisplay(ulong feature)
    {
        var key = _index.Catalog.FeatureName(feature);
        if (key is null || !FeatureId.TryParseKey(key, out _, out var name))
        {
            return "this";
        }

        var slash = name.LastIndexOf('/');
        return slash >= 0 ? name[(slash + 1)..] : name;
    }

    /// <summary>The item on the page first, then the recent items newest first, each once.</summary>
    private List<int> Anchors(RecommendationIndex.Reader r, RecommendRequest request)
    {
        var anchors = new List<int>(Options.CoOccurrenceAnchors);
        if (request.Context.GetValueOrDefault("item") is { } page && r.Find(page) is >= 0 and var pageId)
        {
            anchors.Add(pageId);
        }

        foreach (var recent in request.User?.Recent ?? [])
        {
            if (anchors.Count >= Options.CoOccurrenceAnchors)
            {
                break;
            }

            var item = r.Find(recent.ItemId);
            if (item >= 0 && !anchors.Contains(item))
            {
                anchors.Add(item);
            }
        }

        return anchors;
    }

    /// <summary>The category node and brand the context names (<c>category</c>, <c>brand</c>).</summary>
    private static HashSet<ulong> ContextFeatures(RecommendRequest request)
    {
        var features = new HashSet<ulong>();
        if (request.Context.GetValueOrDefault("category") is { Length: > 0 } category)
        {
            features.Add(FeatureId.Of(FeatureKind.Category, category.Trim('/')));
        }

        if (request.Context.GetValueOrDefault("brand") is { Length: > 0 } brand)
        {
            features.Add(FeatureId.Of(FeatureKind.Brand, brand));
        }

        return features;
    }

    private static HashSet<string> Tokens(string? text) =>
        text is null ? [] : [.. text.Split([' ', ',', '/', '-'], StringSplitOptions.RemoveEmptyEntries).Select(t => t.ToLowerInvariant()).Where(t => t.Length > 1)];

    private static bool Matches(CatalogIndex catalog, string itemId, HashSet<string> query)
    {
        if (catalog.Record(itemId) is not { } rec)
        {
            return false;
        }

        var words = Tokens(string.Join(' ', [rec.Title ?? string.Empty, rec.Brand ?? string.Empty, .. rec.CategoryPath, .. rec.Tags]));
        return query.Overlaps(words);
    }

    /// <summary>Buffers of one request at a time.</summary>
    private sealed class Scratch
    {
        private int[] _ids = new int[1024];
        private CandidateFeatures[] _feats = new CandidateFeatures[1024];
        private (double Score, int Index)[] _order = new (double, int)[1024];

        public Dictionary<int, CandidateFeatures> Candidates { get; } = new(1024);

        public List<(int Item, float Similarity)> Neighbours { get; } = new(256);

        public int[] Ids(int n) => _ids.Length >= n ? _ids : _ids = new int[n * 2];

        public CandidateFeatures[] Feats(int n) => _feats.Length >= n ? _feats : _feats = new CandidateFeatures[n * 2];

        public (double Score, int Index)[] Order(int n) => _order.Length >= n ? _order : _order = new (double, int)[n * 2];
    }

    private static void AddAll(Dictionary<int, CandidateFeatures> candidates, int[]? items, int take)
    {
        if (items is null)
        {
            return;
        }

        for (var i = 0; i < Math.Min(take, items.Length); i++)
        {
            candidates.TryAdd(items[i], default);
        }
    }
}
