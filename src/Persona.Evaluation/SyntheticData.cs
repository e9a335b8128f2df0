namespace Persona.Evaluation;

/// <summary>The synthetic shop as a dataset for evaluation and training runs (<c>--format synthetic</c>).</summary>
public static class SyntheticData
{
    /// <summary>The synthetic shop's events and catalog (the evaluation settings: 5,000 items, a session a day).</summary>
    public static (IReadOnlyList<Persona.Core.Events.BehaviorEvent> Events, IReadOnlyList<Persona.Core.Catalog.CatalogItem> Catalog, string Name) Events(int seed, int users, long events, double horizonDays)
    {
        var shop = Shop(seed, users, events, horizonDays);
        return ([.. shop.Events()], shop.Catalog, $"synthetic(seed={seed},users={users},events={events})");
    }

    public static Persona.Synthetic.SyntheticShop Shop(int seed, int users, long events, double horizonDays) => new(new Persona.Synthetic.ShopOptions
    {
        Seed = seed,
        Users = users,
        Events = events,
        Items = 5_000,
        MeanSessionGap = TimeSpan.FromDays(1),
        Horizon = TimeSpan.FromDays(horizonDays),
    });
}
