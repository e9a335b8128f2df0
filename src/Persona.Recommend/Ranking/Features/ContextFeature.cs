namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// Match with the request's context: 1 when the item has the category node or brand the context names, or when a
/// term of the search query is among the words of its title, brand, categories and tags; else 0.
/// </summary>
internal sealed class ContextFeature : IRankingFeature
{
    public const string Key = "context";

    public string Name => Key;

    public double HeuristicWeight => 0.5;

    public bool Normalised => false;

    public float Value(RankingContext context, in Candidate candidate) =>
        candidate.InContext || (context.Query.Count > 0 && MatchesQuery(context, candidate.ItemId)) ? 1 : 0;

    public string? Reason(RankingContext context, in Candidate candidate, float value) => "matches what you are looking at";

    private static bool MatchesQuery(RankingContext context, string itemId)
    {
        if (context.Catalog.Record(itemId) is not { } rec)
        {
            return false;
        }

        var words = RankingContext.Tokens(string.Join(' ', [rec.Title ?? string.Empty, rec.Brand ?? string.Empty, .. rec.CategoryPath, .. rec.Tags]));
        return context.Query.Overlaps(words);
    }
}
