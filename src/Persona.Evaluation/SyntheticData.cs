namespace Persona.Evaluation;

/// <summary>The synthetic shop as a dataset for evaluation and training runs (<c>--format synthetic</c>).</summary>
public static class SyntheticData
{
    /// <summary>The synthetic shop's events and catalog (the evaluation settings: 5,000 items, a session a day).</summary>
    /// <param name="seed">The shop's seed.</param>
    /// <param name="users">Users.</param>
    /// <param name="events">Events.</param>
    /// <param name="horizonDays">Span over which change points and churn are planted.</param>
    /// <param name="reviewShare">Share of ratings written as reviews in words (<see cref="Persona.Synthetic.ShopOptions.ReviewShare"/>).</param>
    /// <param name="plantedDissatisfaction">Stars a churner's ratings drop by before leaving (<see cref="Persona.Synthetic.ShopOptions.PlantedDissatisfaction"/>).</param>
    /// <param name="ratingProbability">P(rating | purchase); null keeps the shop's default.</param>
    public static (IReadOnlyList<Persona.Core.Events.BehaviorEvent> Events, IReadOnlyList<Persona.Core.Catalog.CatalogItem> Catalog, string Name) Events(
        int seed, int users, long events, double horizonDays, double reviewShare = 0, double plantedDissatisfaction = 0, double? ratingProbability = null)
    {
        var shop = Shop(seed, users, events, horizonDays, reviewShare, plantedDissatisfaction, ratingProbability);
        var planted = reviewShare > 0 || plantedDissatisfaction > 0 || ratingProbability is not null
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $",ratings={ratingProbability ?? new Persona.Synthetic.ShopOptions().RatingProbability},reviews={reviewShare},dissatisfaction={plantedDissatisfaction}")
            : string.Empty;
        return ([.. shop.Events()], shop.Catalog, $"synthetic(seed={seed},users={users},events={events}{planted})");
    }

    public static Persona.Synthetic.SyntheticShop Shop(int seed, int users, long events, double horizonDays, double reviewShare = 0, double plantedDissatisfaction = 0, double? ratingProbability = null) => new(new Persona.Synthetic.ShopOptions
    {
        RatingProbability = ratingProbability ?? new Persona.Synthetic.ShopOptions().RatingProbability,
        ReviewShare = reviewShare,
        PlantedDissatisfaction = plantedDissatisfaction,
        Seed = seed,
        Users = users,
        Events = events,
        Items = 5_000,
        MeanSessionGap = TimeSpan.FromDays(1),
        Horizon = TimeSpan.FromDays(horizonDays),
    });
}
