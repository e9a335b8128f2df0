namespace Persona.Serving.Segments;

/// <summary>A segment as listed: its rule, member count, whether its backfill over existing users is complete, and when it was created and last replaced.</summary>
public sealed record SegmentInfo(string Name, string Rule, int Members, bool BackfillComplete, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
