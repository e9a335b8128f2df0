namespace Persona.Core.Catalog;

/// <summary>A catalog record. Upserting one is an event too: the newest record for an item wins.</summary>
public sealed record CatalogItem
{
    public required string ItemId { get; init; }

    /// <summary>Root-first category path, e.g. ["Beauty", "Makeup", "Lips"].</summary>
    public IReadOnlyList<string> CategoryPath { get; init; } = [];

    public string? Brand { get; init; }

    public double? Price { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? Title { get; init; }

    public bool InStock { get; init; } = true;

    public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}
