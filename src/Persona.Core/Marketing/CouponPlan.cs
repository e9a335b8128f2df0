namespace Persona.Core.Marketing;

/// <summary>The coupons chosen, their total expected cost (never above the budget) and total expected incremental value.</summary>
public sealed record CouponPlan(IReadOnlyList<CouponAward> Awards, double Budget, double ExpectedCost, double ExpectedIncrementalValue, int Candidates);
