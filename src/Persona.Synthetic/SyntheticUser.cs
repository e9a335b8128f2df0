namespace Persona.Synthetic;

/// <summary>
/// A user's planted ground truth: leaf-category interest mixtures before and after the change point,
/// preferred brands, price level, and churn date.
/// </summary>
public sealed record SyntheticUser(
    string UserId,
    IReadOnlyList<(int Leaf, double Weight)> Interests,
    IReadOnlyList<(int Leaf, double Weight)> InterestsAfterChange,
    long? ChangePointMs,
    long? ChurnMs,
    IReadOnlyList<int> Brands,
    double PriceLevel)
{
    /// <summary>The true interest mixture at a time.</summary>
    public IReadOnlyList<(int Leaf, double Weight)> InterestsAt(long timeMs) =>
        ChangePointMs is { } c && timeMs >= c ? InterestsAfterChange : Interests;
}
