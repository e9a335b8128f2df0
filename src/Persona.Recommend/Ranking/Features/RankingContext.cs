using Persona.Core.Catalog;
using Persona.Recommend.Feedback;
using Persona.Recommend.Index;

namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// What the ranking features read while one request is ranked: the index as of the request (reader and ranked
/// lists), the catalog, the request and the user's signals, the click-through statistics, and what the candidate
/// sources (<see cref="Candidates.CandidateSources"/>) found: the candidates, the learned scorer's scores,
/// co-occurrence with the recent items.
/// </summary>
internal sealed class RankingContext
{
    private static readonly IReadOnlyDictionary<ulong, double> NoInterests = new Dictionary<ulong, double>();

    /// <summary>A request's context; <paramref name="scored"/> is the learned scorer's answer (empty without one), <paramref name="buffers"/> empty collections pooled by the caller.</summary>
    public RankingContext(
        RecommendationIndex index, RecommendationIndex.Reader reader, RankedLists lists, RecommendRequest request, RecommenderOptions options, ItemStats? stats,
        IReadOnlyList<(string ItemId, float Score)> scored, RankingBuffers buffers, ReasonTexts texts)
    {
        Texts = texts;
        Scored = scored;
        Candidates = buffers.Candidates;
        Learned = buffers.Learned;
        CoOccurrence = buffers.CoOccurrence;
        Neighbours = buffers.Neighbours;
        Index = index;
        Reader = reader;
        Lists = lists;
        Request = request;
        Options = options;
        Stats = stats;
        Interests = request.User?.Interests ?? NoInterests;
        ContextFeatures = ContextFeaturesOf(request);
        Query = Tokens(request.Context.GetValueOrDefault("query"));
        Purchases = reader.Purchases(request.UserId);
    }

    public RecommendationIndex Index { get; }

    /// <summary>The reason texts made so far, shared by the requests.</summary>
    public ReasonTexts Texts { get; }

    public RecommendationIndex.Reader Reader { get; }

    public RankedLists Lists { get; }

    public CatalogIndex Catalog => Index.Catalog;

    public RecommendRequest Request { get; }

    public RecommenderOptions Options { get; }

    /// <summary>Click-through by item on past answers, when the service keeps it.</summary>
    public ItemStats? Stats { get; }

    /// <summary>The user's interest scores by catalog feature (empty for an anonymous visitor).</summary>
    public IReadOnlyDictionary<ulong, double> Interests { get; }

    /// <summary>The category node and brand the request's context names (<c>category</c>, <c>brand</c>).</summary>
    public IReadOnlySet<ulong> ContextFeatures { get; }

    /// <summary>The terms of the request's search query (lower case, longer than one letter).</summary>
    public IReadOnlySet<string> Query { get; }

    /// <summary>The user's purchases by item (null when the index holds none).</summary>
    public IReadOnlyDictionary<int, int>? Purchases { get; }

    /// <summary>The learned scorer's best items with their scores, best first (empty when no scorer is asked).</summary>
    public IReadOnlyList<(string ItemId, float Score)> Scored { get; }

    /// <summary>The candidates the sources found.</summary>
    public HashSet<int> Candidates { get; }

    /// <summary>A buffer for an anchor's neighbours.</summary>
    public List<(int Item, float Similarity)> Neighbours { get; }

    /// <summary>The learned scorer's candidates: softmax of the score relative to its best candidate.</summary>
    public Dictionary<int, float> Learned { get; }

    /// <summary>Co-occurrence with the anchors (the page's item, the recent items), summed, and the anchor that contributed most.</summary>
    public Dictionary<int, (float Sum, int Anchor)> CoOccurrence { get; }

    /// <summary>Adds the first <paramref name="take"/> of <paramref name="items"/> (none when null) to the candidates.</summary>
    public void AddCandidates(int[]? items, int take)
    {
        if (items is null)
        {
            return;
        }

        for (var i = 0; i < Math.Min(take, items.Length); i++)
        {
            Candidates.Add(items[i]);
        }
    }

    /// <summary>The last part of the item's leaf category path ("" when it has none).</summary>
    public string Leaf(string itemId)
    {
        var path = Catalog.Find(itemId)?.Category?.Path;
        return path is null ? string.Empty : LastPart(path);
    }

    /// <summary><paramref name="prefix"/> and the item's <see cref="Leaf"/>; null when it has none.</summary>
    public string? LeafReason(string prefix, string itemId)
    {
        if (Catalog.Find(itemId)?.Category?.Path is not { } path)
        {
            return null;
        }

        var text = Texts.Get(prefix, path, LastPart);
        return text.Length > prefix.Length ? text : null;
    }

    /// <summary>The display name of a catalog feature (the last part of a category path, a brand), "this" when unknown.</summary>
    public string FeatureDisplay(ulong feature) => Catalog.FeatureName(feature) is { } key ? DisplayOfKey(key) : "this";

    /// <summary><paramref name="prefix"/> and the <see cref="FeatureDisplay"/> of a catalog feature.</summary>
    public string FeatureReason(string prefix, ulong feature) => Catalog.FeatureName(feature) is { } key ? Texts.Get(prefix, key, DisplayOfKey) : prefix + "this";

    private static string LastPart(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string DisplayOfKey(string key)
    {
        if (!FeatureId.TryParseKey(key, out _, out var name))
        {
            return "this";
        }

        var slash = name.LastIndexOf('/');
        return slash >= 0 ? name[(slash + 1)..] : name;
    }

    /// <summary>Lower-case words of a text, longer than one letter.</summary>
    public static HashSet<string> Tokens(string? text) =>
        text is null ? [] : [.. text.Split([' ', ',', '/', '-'], StringSplitOptions.RemoveEmptyEntries).Select(t => t.ToLowerInvariant()).Where(t => t.Length > 1)];

    private static HashSet<ulong> ContextFeaturesOf(RecommendRequest request)
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
}
