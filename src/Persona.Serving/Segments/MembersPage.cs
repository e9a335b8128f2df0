namespace Persona.Serving.Segments;

/// <summary>A page of a segment's members in ordinal order, the segment's member count, and the cursor for the next page (null on the last).</summary>
public sealed record MembersPage(string Segment, int Count, IReadOnlyList<string> Members, string? NextCursor);
