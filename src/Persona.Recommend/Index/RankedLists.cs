namespace Persona.Recommend.Index;

/// <summary>
/// The index's ranked lists as of one refresh: items by trending score overall and per catalog feature
/// (category node, brand), and the new arrivals (items with few events) per feature. Immutable: readers use a
/// snapshot while the writer builds the next.
/// </summary>
internal sealed record RankedLists(
    int[] Trending,
    IReadOnlyDictionary<ulong, int[]> TrendingByFeature,
    IReadOnlyDictionary<ulong, int[]> NewByFeature,
    int[] NewItems,
    double MaxScore,
    long BuiltTicks,
    int CatalogCount)
{
    public static RankedLists Empty { get; } = new([], new Dictionary<ulong, int[]>(), new Dictionary<ulong, int[]>(), [], 0, long.MinValue, -1);
}
