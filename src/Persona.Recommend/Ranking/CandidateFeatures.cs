namespace Persona.Recommend.Ranking;

/// <summary>One candidate's features, each in [0, 1], and what to say about the strongest.</summary>
internal struct CandidateFeatures
{
    public const int Count = 8;

    public float Sequence;
    public float CoOccurrence;
    public float Interest;
    public float Trending;
    public float BuyAgain;
    public float NewArrival;
    public float Context;
    public float ClickThrough;

    /// <summary>The recent item whose co-occurrence contributed most.</summary>
    public int CoOccurrenceAnchor;

    /// <summary>The interest (category node or brand) that matched most.</summary>
    public ulong InterestAnchor;

    public readonly float this[int i] => i switch
    {
        0 => Sequence,
        1 => CoOccurrence,
        2 => Interest,
        3 => Trending,
        4 => BuyAgain,
        5 => NewArrival,
        6 => Context,
        _ => ClickThrough,
    };

    public readonly float[] ToArray() => [Sequence, CoOccurrence, Interest, Trending, BuyAgain, NewArrival, Context, ClickThrough];

    public readonly double Score(ReadOnlySpan<double> w)
    {
        var s = 0.0;
        for (var i = 0; i < Count; i++)
        {
            s += w[i] * this[i];
        }

        return s;
    }
}
