namespace Persona.Recommend.Feedback;

/// <summary>
/// An answer as it was shown: its id, whom, by which model and experiment arm, the items in order, and when; with
/// each item's candidate features as the blend scored them (null for items filled in without scoring), the
/// training data of a ranker that learns from what was served.
/// </summary>
public sealed record Impression(string RecommendationId, string UserId, string Model, string? Experiment, string? Variant, IReadOnlyList<string> Items, long AtMs)
{
    public IReadOnlyList<float[]?>? Features { get; init; }

    /// <summary>The impression of an answer.</summary>
    public static Impression Of(Ranking.Recommendation answer, string? experiment, long atMs)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return new Impression(answer.RecommendationId, answer.UserId, answer.Model, experiment, answer.Variant, [.. answer.Items.Select(i => i.ItemId)], atMs)
        {
            Features = [.. answer.Items.Select(i => i.Features)],
        };
    }
}
