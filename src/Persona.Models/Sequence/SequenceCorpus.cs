namespace Persona.Models.Sequence;

/// <summary>
/// What the sequence model learns from: per user the items in time order (dense ids 0..Items-1) with each
/// interaction's event type (0..Types-1), and per item its attribute ids (0..Attributes-1). Loaders map
/// their data onto this; the model knows nothing of where it came from.
/// </summary>
public sealed class SequenceCorpus
{
    public SequenceCorpus(IReadOnlyList<int[]> items, IReadOnlyList<int[]>? types, int itemCount, IReadOnlyList<int[]>? itemAttributes, int attributeCount, int typeCount)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(typeCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(attributeCount);
        if (types is not null && (types.Count != items.Count || items.Zip(types).Any(p => p.First.Length != p.Second.Length)))
        {
            throw new ArgumentException("sequence corpus: every user's types must align with its items");
        }

        if (itemAttributes is not null && itemAttributes.Count != itemCount)
        {
            throw new ArgumentException($"sequence corpus: {itemAttributes.Count} attribute lists for {itemCount} items");
        }

        if (items.Any(s => s.Any(i => (uint)i >= (uint)itemCount)))
        {
            throw new ArgumentException($"sequence corpus: an item id outside 0..{itemCount - 1}");
        }

        if (types is not null && types.Any(s => s.Any(t => (uint)t >= (uint)typeCount)))
        {
            throw new ArgumentException($"sequence corpus: an event type outside 0..{typeCount - 1}");
        }

        if (itemAttributes is not null && itemAttributes.Any(a => a.Any(x => (uint)x >= (uint)attributeCount)))
        {
            throw new ArgumentException($"sequence corpus: an attribute id outside 0..{attributeCount - 1}");
        }

        Items = items;
        Types = types ?? [.. items.Select(s => new int[s.Length])];
        ItemCount = itemCount;
        ItemAttributes = itemAttributes ?? [.. Enumerable.Range(0, itemCount).Select(_ => Array.Empty<int>())];
        AttributeCount = attributeCount;
        TypeCount = typeCount;
    }

    /// <summary>Per user, item ids in time order.</summary>
    public IReadOnlyList<int[]> Items { get; }

    /// <summary>Per user, the event type of each interaction (all 0 where the data has one kind).</summary>
    public IReadOnlyList<int[]> Types { get; }

    public int ItemCount { get; }

    /// <summary>Per item, its attribute ids (brand, category and the like; empty where unknown).</summary>
    public IReadOnlyList<int[]> ItemAttributes { get; }

    public int AttributeCount { get; }

    public int TypeCount { get; }

    public int Users => Items.Count;
}
