using Persona.Core.Catalog;
using Persona.Core.Churn;
using Persona.Core.Marketing;
using Persona.Core.Pipeline;
using Persona.Models.Artifacts;
using Persona.Serving.ModelHosting;
using Persona.Serving.Profiles;

namespace Persona.Serving.Marketing;

/// <summary>
/// Builds the coupon candidates from served profiles and plans with <see cref="CouponPlanner"/>. Purchase
/// propensity is the active propensity model's, otherwise the purchase-rhythm heuristic (<see cref="PurchaseRhythm"/>);
/// the order value is the customer's average order value, or the mean over customers for one who never bought;
/// price sensitivity is 1 / priceLevel clamped to 0.5..2 (1 without a price level): buyers of cheaper items
/// respond more to a discount. A customer whose user record withholds marketing consent gets no coupon: left out
/// before planning, and counted (<see cref="CouponPlanResult.Withheld"/>).
/// </summary>
public sealed class CouponTargeting(ProfileViews views, ModelHost models, IProfileStore store)
{
    public CouponPlanResult Plan(IReadOnlyList<string>? members, IReadOnlyList<double> discounts, double budget, double elasticity, CancellationToken ct)
    {
        var model = models.Current.Find<FeatureModelArtifact>(FeatureModelArtifact.PropensityKind);
        var rows = new List<(string User, double Propensity, double? Aov, double Sensitivity)>();
        var withheld = 0;
        void Add(ServedProfile p)
        {
            var v = p.View;
            if (store.FindUser(v.UserId)?.Withholds(UserRecord.MarketingConsent) == true)
            {
                withheld++;
                return;
            }

            var propensity = model is not null && v.Predictions?.PurchasePropensity is { } predicted ? predicted : PurchaseRhythm.Of(v).Propensity30Days;
            rows.Add((v.UserId, propensity, v.Rfm.AverageOrderValue, v.PriceLevel is { } level and > 0 ? Math.Clamp(1 / level, 0.5, 2) : 1));
        }

        if (members is null)
        {
            views.VisitProfiles(Add, k: 1, ct);
        }
        else
        {
            foreach (var id in members)
            {
                ct.ThrowIfCancellationRequested();
                if (views.Read(id, k: 1) is { } served)
                {
                    Add(served);
                }
            }
        }

        var known = rows.Where(r => r.Aov is > 0).Select(r => r.Aov!.Value).ToList();
        var fallback = known.Count > 0 ? known.Average() : 0;
        var candidates = rows.Select(r => new CouponCandidate(r.User, r.Propensity, r.Aov is > 0 ? r.Aov.Value : fallback, r.Sensitivity))
            .Where(c => c.OrderValue > 0)
            .ToList();
        return new CouponPlanResult(CouponPlanner.Plan(candidates, discounts, budget, elasticity), model is null ? "heuristic" : $"model {model.Metadata.Version}", withheld);
    }
}

/// <summary>A coupon plan, where its propensities came from, and how many customers were left out for withholding marketing consent.</summary>
public sealed record CouponPlanResult(CouponPlan Plan, string Propensity, int Withheld);
