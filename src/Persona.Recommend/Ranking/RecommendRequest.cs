using Persona.Core.Views;

namespace Persona.Recommend.Ranking;

/// <summary>What a recommendation is asked for: whose, how many, in which context, and what to leave out.</summary>
public sealed record RecommendRequest
{
    public required string UserId { get; init; }

    public int K { get; init; } = 20;

    /// <summary>What the profile says about the user; null for a user with no events (cold start).</summary>
    public UserSignals? User { get; init; }

    /// <summary>The request's context: <c>category</c> (a category path), <c>query</c> (search terms), <c>item</c> (the item on the page), <c>device</c>, <c>page</c>, ...</summary>
    public IReadOnlyDictionary<string, string> Context { get; init; } = new Dictionary<string, string>();

    /// <summary>Item ids never to return.</summary>
    public IReadOnlySet<string> Exclude { get; init; } = new HashSet<string>();

    /// <summary>Event time "now" (Unix ms), for recency.</summary>
    public required long NowMs { get; init; }
}

/// <summary>The parts of a served profile the recommender uses.</summary>
/// <param name="Recent">The recent item sequence, newest first.</param>
/// <param name="Interests">Normalised interest scores by feature id (category nodes, brands, tags, price bands).</param>
public sealed record UserSignals(IReadOnlyList<RecentItemView> Recent, IReadOnlyDictionary<ulong, double> Interests)
{
    /// <summary>Reads them from a profile state: its top 10 interests per kind and its recent items, as the served view has them.</summary>
    public static UserSignals Read(Core.Engine.ProfileReader reader, Core.Engine.ProfileState state, Core.Catalog.ICatalogView catalog, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return From(reader.TopInterests(state, catalog, nowMs, 10), reader.RecentItems(state));
    }

    /// <summary>Reads them from a profile view (its top interests per kind and its recent items).</summary>
    public static UserSignals From(ProfileView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return From(view.Interests, view.RecentItems);
    }

    /// <summary>From the parts of a profile the recommender reads: the top interests and the recent items (newest first).</summary>
    public static UserSignals From(InterestsView top, IReadOnlyList<RecentItemView> recent)
    {
        ArgumentNullException.ThrowIfNull(top);
        ArgumentNullException.ThrowIfNull(recent);
        var interests = new Dictionary<ulong, double>();
        foreach (var list in new[] { top.Categories, top.Brands, top.Tags, top.PriceBands })
        {
            foreach (var s in list)
            {
                if (Core.Catalog.FeatureId.TryParseKey(s.Feature, out var kind, out var name))
                {
                    interests[Core.Catalog.FeatureId.Of(kind, name)] = s.Score;
                }
            }
        }

        return new UserSignals(recent, interests);
    }
}
