namespace Persona.Models.Sequence;

/// <summary>A served sequence encoder: the newest interactions → a user embedding, scored against every item's embedding.</summary>
public interface IUserEncoder
{
    int Dimension { get; }

    int ItemCount { get; }

    int TypeCount { get; }

    /// <summary>How many of the newest interactions are read.</summary>
    int MaxLength { get; }

    /// <summary>The user embedding after <paramref name="items"/> (oldest first) with their event types.</summary>
    float[] Encode(ReadOnlySpan<int> items, ReadOnlySpan<int> types);

    /// <summary>Scores every item for a user embedding (dot products with the item table).</summary>
    void Score(ReadOnlySpan<float> user, Span<float> scores);
}
