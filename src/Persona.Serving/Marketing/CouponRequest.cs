namespace Persona.Serving.Marketing;

/// <summary>
/// The body of <c>POST /v1/marketing/coupons</c>: the budget (expected discount cost, in the shop's currency), the
/// discount levels offered (fractions of the order, e.g. 0.05, 0.1, 0.2), an optional segment to choose from
/// (every user otherwise), the response model's elasticity (default 2) and how many awards to list (default 1,000).
/// </summary>
public sealed record CouponRequest(double? Budget, IReadOnlyList<double>? Discounts, string? Segment, double? Elasticity, int? Limit);
