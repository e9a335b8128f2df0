namespace Persona.Serving.Segments;

/// <summary>One exported audience member: the id and the facts an ad platform targets or bids on.</summary>
public sealed record AudienceMember(string UserId, string Lifecycle, DateTimeOffset LastSeen, long EventCount, long Purchases, double Monetary, double? PriceLevel, string? TopCategory, string? TopBrand);
