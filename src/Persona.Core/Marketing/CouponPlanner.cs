namespace Persona.Core.Marketing;

/// <summary>
/// Chooses who gets which discount within a budget. Response model: a discount d lifts a customer's purchase
/// probability p to p + (1 − p)·(1 − e^(−elasticity·s·d)), s the customer's price sensitivity. With order value v,
/// the coupon's expected cost is P(d)·d·v (every purchase made with it is discounted, including the ones that
/// would have happened anyway) and its expected incremental value is P(d)·v·(1 − d) − p·v. Each customer gets at
/// most one level; among the levels with positive incremental value, the choice is the greedy solution of this
/// multiple-choice knapsack: per customer, the upgrades along the upper convex hull of (cost, value), all
/// customers' upgrades taken in order of value per unit of cost while they fit. Deterministic (ties by user id,
/// then level); the expected cost never exceeds the budget.
/// </summary>
public static class CouponPlanner
{
    public const double DefaultElasticity = 2.0;

    public static CouponPlan Plan(IReadOnlyList<CouponCandidate> candidates, IReadOnlyList<double> discounts, double budget, double elasticity = DefaultElasticity)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(discounts);
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        var levels = discounts.Distinct().Order().ToArray();
        var steps = new List<Step>();
        var options = new Dictionary<string, CouponAward[]>(StringComparer.Ordinal);
        foreach (var c in candidates.OrderBy(c => c.UserId, StringComparer.Ordinal))
        {
            var awards = levels.Select(d => Award(c, d, elasticity)).Where(a => a.ExpectedIncrementalValue > 0 && a.ExpectedCost > 0).ToArray();
            var hull = Hull(awards);
            options[c.UserId] = hull;
            double cost = 0, value = 0;
            for (var i = 0; i < hull.Length; i++)
            {
                steps.Add(new Step(c.UserId, i, hull[i].ExpectedCost - cost, hull[i].ExpectedIncrementalValue - value));
                cost = hull[i].ExpectedCost;
                value = hull[i].ExpectedIncrementalValue;
            }
        }

        var chosen = new Dictionary<string, int>(StringComparer.Ordinal);
        var spent = 0.0;
        foreach (var s in steps.OrderByDescending(s => s.Value / s.Cost).ThenBy(s => s.UserId, StringComparer.Ordinal).ThenBy(s => s.Level))
        {
            var current = chosen.GetValueOrDefault(s.UserId, -1);
            if (current != s.Level - 1 || spent + s.Cost > budget)
            {
                continue; // an earlier upgrade of this customer did not fit, or this one does not
            }

            chosen[s.UserId] = s.Level;
            spent += s.Cost;
        }

        var result = chosen.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => options[x.Key][x.Value]).ToList();
        return new CouponPlan(result, budget, result.Sum(a => a.ExpectedCost), result.Sum(a => a.ExpectedIncrementalValue), candidates.Count);
    }

    /// <summary>The outcome of giving <paramref name="candidate"/> discount <paramref name="discount"/>.</summary>
    public static CouponAward Award(CouponCandidate candidate, double discount, double elasticity = DefaultElasticity)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var p = Math.Clamp(candidate.Propensity, 0, 1);
        var with = p + ((1 - p) * (1 - Math.Exp(-elasticity * candidate.PriceSensitivity * discount)));
        var v = candidate.OrderValue;
        return new CouponAward(candidate.UserId, discount, p, with, with * discount * v, (with * v * (1 - discount)) - (p * v));
    }

    /// <summary>The options on the upper convex hull of (cost, value) from the origin: each upgrade's value per cost lower than the one before.</summary>
    private static CouponAward[] Hull(CouponAward[] awards)
    {
        var hull = new List<CouponAward>();
        foreach (var a in awards.OrderBy(a => a.ExpectedCost).ThenByDescending(a => a.ExpectedIncrementalValue))
        {
            if (hull.Count > 0 && a.ExpectedIncrementalValue <= hull[^1].ExpectedIncrementalValue)
            {
                continue; // costs more for no more value
            }

            while (hull.Count > 0)
            {
                var (c0, v0) = hull.Count > 1 ? (hull[^2].ExpectedCost, hull[^2].ExpectedIncrementalValue) : (0.0, 0.0);
                var last = hull[^1];
                var slopeLast = (last.ExpectedIncrementalValue - v0) / (last.ExpectedCost - c0);
                var slopeNew = (a.ExpectedIncrementalValue - v0) / (a.ExpectedCost - c0);
                if (slopeNew >= slopeLast)
                {
                    hull.RemoveAt(hull.Count - 1); // the last one is under the line to the new one
                }
                else
                {
                    break;
                }
            }

            hull.Add(a);
        }

        return [.. hull];
    }

    private sealed record Step(string UserId, int Level, double Cost, double Value);
}
