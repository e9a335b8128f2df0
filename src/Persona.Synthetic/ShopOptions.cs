namespace Persona.Synthetic;

/// <summary>Size and behaviour of a synthetic shop. The same options and seed give the same shop and stream.</summary>
public sealed record ShopOptions
{
    public int Seed { get; init; } = 42;

    public int Users { get; init; } = 10_000;

    public int Items { get; init; } = 20_000;

    public int Brands { get; init; } = 300;

    /// <summary>Category tree: roots x children x leaves.</summary>
    public int RootCategories { get; init; } = 8;

    public int ChildCategories { get; init; } = 4;

    public int LeafCategories { get; init; } = 4;

    /// <summary>Stop after this many events (the stream ends earlier if every user's activity ends).</summary>
    public long Events { get; init; } = 1_000_000;

    public DateTimeOffset Start { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Prepended to event and session ids, so that streams of several runs can go into one store without sharing ids.</summary>
    public string IdPrefix { get; init; } = string.Empty;

    /// <summary>Mean time between a user's sessions.</summary>
    public TimeSpan MeanSessionGap { get; init; } = TimeSpan.FromDays(3);

    /// <summary>Mean item views per session (geometric).</summary>
    public double MeanViewsPerSession { get; init; } = 5;

    /// <summary>P(cart add | view); with <see cref="PurchaseProbability"/> gives RetailRocket's 96.7 / 2.5 / 0.8 % mix.</summary>
    public double CartProbability { get; init; } = 0.026;

    /// <summary>P(purchase | cart add).</summary>
    public double PurchaseProbability { get; init; } = 0.32;

    /// <summary>P(rating | purchase).</summary>
    public double RatingProbability { get; init; } = 0.3;

    /// <summary>
    /// Share of ratings written as a review in words instead of stars (a review event with text and no rating):
    /// pleased, neutral or displeased phrases as the stars would have been, with some noise. 0 keeps every rating.
    /// </summary>
    public double ReviewShare { get; init; }

    /// <summary>
    /// How many stars a churner's ratings and reviews drop by the time they leave: the drop grows linearly over the
    /// <see cref="DissatisfactionDays"/> before the churn date. 0 plants no link between satisfaction and churn.
    /// </summary>
    public double PlantedDissatisfaction { get; init; }

    /// <summary>The days before a churn date over which <see cref="PlantedDissatisfaction"/> grows.</summary>
    public double DissatisfactionDays { get; init; } = 30;

    /// <summary>P(search) at the start of a session.</summary>
    public double SearchProbability { get; init; } = 0.1;

    /// <summary>Share of users whose interests change at a planted change point.</summary>
    public double DriftShare { get; init; } = 0.5;

    /// <summary>Share of users who churn (stop for good) at a planted date.</summary>
    public double ChurnShare { get; init; } = 0.2;

    /// <summary>Span of event time over which change points and churn dates are planted.</summary>
    public TimeSpan Horizon { get; init; } = TimeSpan.FromDays(90);
}
