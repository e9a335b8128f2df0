namespace Persona.Serving.Segments;

/// <summary>A named segment rule as persisted in <c>segments.json</c>.</summary>
public sealed record SegmentDefinition(string Name, string Rule, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
