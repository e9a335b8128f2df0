namespace Persona.Core.Discovery;

/// <summary>A customer's quintile scores (1–5, 5 best: most recent, most frequent, highest spend) and named cell.</summary>
public sealed record RfmScore(string UserId, int R, int F, int M, string Cell);
