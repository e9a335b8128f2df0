namespace Persona.Recommend.Feedback;

/// <summary>An answer as it was shown: its id, whom, by which model and experiment arm, the items in order, and when.</summary>
public sealed record Impression(string RecommendationId, string UserId, string Model, string? Experiment, string? Variant, IReadOnlyList<string> Items, long AtMs);
