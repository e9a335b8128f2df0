namespace Persona.Models.Sentiment;

/// <summary>What a sentiment model reads from a review: the probability that its writer is pleased (4–5 stars rather than 1–2) and the stars it predicts (1–5).</summary>
public readonly record struct SentimentScore(double Positive, double Stars);
