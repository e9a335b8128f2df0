namespace Persona.Core.Marketing;

/// <summary>
/// A coupon given: the discount (a fraction of the order), the purchase probability with it, the expected
/// discount cost (probability × discount × order value) and the expected incremental revenue net of the discount.
/// </summary>
public sealed record CouponAward(string UserId, double Discount, double Propensity, double PropensityWithCoupon, double ExpectedCost, double ExpectedIncrementalValue);
