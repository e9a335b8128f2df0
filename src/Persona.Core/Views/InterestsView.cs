namespace Persona.Core.Views;

/// <summary>Top interests per kind at read time.</summary>
public sealed record InterestsView(
    IReadOnlyList<InterestScore> Categories,
    IReadOnlyList<InterestScore> Brands,
    IReadOnlyList<InterestScore> Tags,
    IReadOnlyList<InterestScore> PriceBands);
