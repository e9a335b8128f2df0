namespace Persona.Serving.Segments;

/// <summary>The body of <c>PUT /v1/segments/{name}</c>.</summary>
public sealed record SegmentRequest(string? Rule);
