namespace Persona.Recommend.Ranking;

/// <summary>
/// The ranking blend: a candidate's score is the weighted sum of its features, each in [0, 1] (see
/// <see cref="CandidateFeatures"/>). <see cref="Heuristic"/> serves out of the box; learned weights (chosen
/// on validation data by coordinate ascent, <see cref="BlendSearch"/>) replace it when given.
/// </summary>
public sealed record BlendWeights
{
    /// <summary>The sequence model's score (softmax relative to the best candidate).</summary>
    public double Sequence { get; init; } = 1.0;

    /// <summary>Co-occurrence with the user's recent items.</summary>
    public double CoOccurrence { get; init; } = 0.6;

    /// <summary>Match of the item's categories, brand and price band with the user's interests.</summary>
    public double Interest { get; init; } = 0.3;

    /// <summary>Time-decayed popularity.</summary>
    public double Trending { get; init; } = 0.15;

    /// <summary>An item the user bought that people buy again.</summary>
    public double BuyAgain { get; init; } = 0.5;

    /// <summary>A new arrival (few events yet) matching the user's interests.</summary>
    public double NewArrival { get; init; } = 0.1;

    /// <summary>Match with the request's context (category, search query, the item on the page).</summary>
    public double Context { get; init; } = 0.5;

    /// <summary>The item's click-through rate on past recommendations, relative to the average.</summary>
    public double ClickThrough { get; init; } = 0.1;

    /// <summary>Where the weights came from, e.g. "heuristic" or "learned:beauty-validation".</summary>
    public string Source { get; init; } = "heuristic";

    public static BlendWeights Heuristic { get; } = new();

    /// <summary>Trending alone: the popularity policy of experiments and simulations.</summary>
    public static BlendWeights Popularity { get; } = new()
    {
        Sequence = 0, CoOccurrence = 0, Interest = 0, Trending = 1, BuyAgain = 0, NewArrival = 0, Context = 0, ClickThrough = 0, Source = "popularity",
    };

    /// <summary>The weights as a vector, in the order of <see cref="CandidateFeatures"/>.</summary>
    public double[] ToArray() => [Sequence, CoOccurrence, Interest, Trending, BuyAgain, NewArrival, Context, ClickThrough];

    public static BlendWeights FromArray(ReadOnlySpan<double> w, string source) => new()
    {
        Sequence = w[0],
        CoOccurrence = w[1],
        Interest = w[2],
        Trending = w[3],
        BuyAgain = w[4],
        NewArrival = w[5],
        Context = w[6],
        ClickThrough = w[7],
        Source = source,
    };

    public static IReadOnlyList<string> Names { get; } = ["sequence", "coOccurrence", "interest", "trending", "buyAgain", "newArrival", "context", "clickThrough"];
}
