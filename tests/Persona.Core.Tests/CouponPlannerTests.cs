using Persona.Core.Marketing;

namespace Persona.Core.Tests;

public sealed class CouponPlannerTests
{
    private static readonly double[] Levels = [0.05, 0.1, 0.2, 0.3];

    private static List<CouponCandidate> Candidates(int n, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(i => new CouponCandidate($"u{i:D4}", rng.NextDouble() * 0.6, 10 + (rng.NextDouble() * 200), 0.5 + (rng.NextDouble() * 1.5)))];
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(50.0)]
    [InlineData(700.0)]
    [InlineData(1e9)]
    public void Plan_AnyBudget_ExpectedCostNeverAboveBudget(double budget)
    {
        var plan = CouponPlanner.Plan(Candidates(500, 1), Levels, budget);
        Assert.True(plan.ExpectedCost <= budget, $"{plan.ExpectedCost} > {budget}");
        Assert.Equal(plan.Awards.Sum(a => a.ExpectedCost), plan.ExpectedCost, 9);
        Assert.All(plan.Awards, a => Assert.True(a.ExpectedIncrementalValue > 0));
        Assert.Equal(plan.Awards.Count, plan.Awards.Select(a => a.UserId).Distinct().Count());
    }

    [Fact]
    public void Plan_SameInput_SamePlan()
    {
        var a = CouponPlanner.Plan(Candidates(300, 2), Levels, 400);
        var b = CouponPlanner.Plan(Candidates(300, 2), Levels, 400);
        Assert.Equal(a.Awards, b.Awards);
    }

    [Fact]
    public void Plan_LargerBudget_NoLessValue()
    {
        var small = CouponPlanner.Plan(Candidates(300, 3), Levels, 100);
        var large = CouponPlanner.Plan(Candidates(300, 3), Levels, 1_000);
        Assert.True(large.ExpectedIncrementalValue >= small.ExpectedIncrementalValue);
    }

    [Fact]
    public void Award_OneCustomer_ExactResponseModel()
    {
        var a = CouponPlanner.Award(new CouponCandidate("u", 0.2, 100, 1), 0.1, elasticity: 2);
        var with = 0.2 + (0.8 * (1 - Math.Exp(-0.2)));
        Assert.Equal(with, a.PropensityWithCoupon, 12);
        Assert.Equal(with * 0.1 * 100, a.ExpectedCost, 12);
        Assert.Equal((with * 100 * 0.9) - 20, a.ExpectedIncrementalValue, 12);
    }

    [Fact]
    public void Plan_CertainBuyer_GetsNothing()
    {
        var plan = CouponPlanner.Plan([new CouponCandidate("sure", 1.0, 100, 1)], Levels, 1_000);
        Assert.Empty(plan.Awards); // a coupon only discounts a purchase that happens anyway
    }

    [Fact]
    public void Plan_ZeroBudget_NoCoupons()
    {
        Assert.Empty(CouponPlanner.Plan(Candidates(50, 4), Levels, 0).Awards);
    }
}
