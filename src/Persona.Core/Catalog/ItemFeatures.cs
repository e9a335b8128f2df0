namespace Persona.Core.Catalog;

/// <summary>What the engine needs of a catalog item, compiled once per catalog upsert.</summary>
/// <param name="Features">Feature ids: category path nodes (ancestors included), brand, tags, price band.</param>
/// <param name="Price">The catalog price, if any.</param>
/// <param name="Category">The item's full category, with its median price, if any.</param>
public sealed record ItemFeatures(ulong[] Features, double? Price, CategoryStats? Category)
{
    /// <summary>The item id (one shared instance per catalog item).</summary>
    public string? ItemId { get; init; }
}
