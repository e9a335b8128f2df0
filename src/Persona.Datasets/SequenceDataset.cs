using Persona.Core.Catalog;

namespace Persona.Datasets;

/// <summary>
/// Users' time-ordered item sequences with dense integer ids (users 0..U-1, items 0..I-1), the external ids
/// they came from, and catalog records (attributes as tags, categories where the format has them).
/// </summary>
public sealed class SequenceDataset
{
    public required string Name { get; init; }

    /// <summary>Per user, items in time order with their times.</summary>
    public required IReadOnlyList<Interaction[]> Sequences { get; init; }

    public required IReadOnlyList<string> UserIds { get; init; }

    public required IReadOnlyList<string> ItemIds { get; init; }

    public required IReadOnlyList<CatalogItem> Catalog { get; init; }

    public int Users => Sequences.Count;

    public int Items => ItemIds.Count;

    public long Interactions => Sequences.Sum(s => (long)s.Length);
}
