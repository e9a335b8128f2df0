namespace Persona.Core.Views;

/// <summary>One event's contribution to an interest weight now (its type weight, decayed).</summary>
public sealed record Contribution(string EventId, string Type, string? ItemId, DateTimeOffset Time, double Weight);
