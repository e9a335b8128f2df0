using System.Globalization;
using Persona.Core.Views;

namespace Persona.Core.Churn;

/// <summary>
/// Churn risk and purchase propensity from a customer's purchase rhythm, for when no model is active. The usual
/// interval u is the time from first seen to the last purchase over (purchases − 1), at least one day; with a
/// single purchase it is <see cref="DefaultIntervalDays"/>. Taking purchases as a Poisson process with rate 1/u,
/// the churn risk after d days without a purchase is 1 − e^(−d/u): the probability that a customer still buying
/// at that rhythm would have bought by now. The 30-day purchase propensity is (1 − e^(−30/u))·e^(−d/u): a
/// purchase within 30 days at that rhythm, discounted by the evidence that the rhythm has stopped. A customer
/// without purchases has propensity 0.02 while active (seen within 14 days), else 0.005, and no churn risk.
/// </summary>
public sealed record PurchaseRhythm(double Risk, double Propensity30Days, double? DaysSincePurchase, double? UsualIntervalDays, IReadOnlyList<string> Reasons)
{
    public const double DefaultIntervalDays = 30;

    public static PurchaseRhythm Of(ProfileView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var seenDays = Math.Max(0, (view.AsOf - view.LastSeen).TotalDays);
        if (view.Rfm.Frequency == 0 || view.Rfm.RecencyDays is not { } d)
        {
            return new PurchaseRhythm(0, seenDays <= 14 ? 0.02 : 0.005, null, null, ["no purchase yet"]);
        }

        var lastPurchase = view.AsOf - TimeSpan.FromDays(d);
        var u = view.Rfm.Frequency >= 2
            ? Math.Max(1, (lastPurchase - view.FirstSeen).TotalDays / (view.Rfm.Frequency - 1))
            : DefaultIntervalDays;
        var risk = 1 - Math.Exp(-d / u);
        var propensity = (1 - Math.Exp(-30 / u)) * Math.Exp(-d / u);
        var reasons = new List<string>
        {
            view.Rfm.Frequency >= 2
                ? string.Create(CultureInfo.InvariantCulture, $"no purchase for {d:0} days, usually every {u:0}")
                : string.Create(CultureInfo.InvariantCulture, $"no purchase for {d:0} days since the only one"),
        };
        if (seenDays >= 7)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"last seen {seenDays:0} days ago"));
        }

        if (view.Rfm.Frequency30Days == 0 && view.Rfm.Frequency >= 2)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"none of {view.Rfm.Frequency} purchases in the last 30 days"));
        }

        return new PurchaseRhythm(risk, propensity, d, view.Rfm.Frequency >= 2 ? u : null, reasons);
    }
}
