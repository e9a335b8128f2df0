namespace Persona.Core.Marketing;

/// <summary>
/// A customer who may get a coupon: the probability of a purchase without one (<paramref name="Propensity"/>),
/// the expected order value, and price sensitivity (1 for the median buyer, higher for buyers of cheaper items).
/// </summary>
public sealed record CouponCandidate(string UserId, double Propensity, double OrderValue, double PriceSensitivity);
