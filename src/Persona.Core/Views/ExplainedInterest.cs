namespace Persona.Core.Views;

/// <summary>An interest and the events that contributed most to it now.</summary>
public sealed record ExplainedInterest(string Feature, double Weight, IReadOnlyList<Contribution> Events);
