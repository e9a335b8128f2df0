namespace Persona.Core.Views;

/// <summary>One interest: its feature key, decayed weight now, and score normalised within its kind (and category depth).</summary>
public sealed record InterestScore(string Feature, double Weight, double Score);
