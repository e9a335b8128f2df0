using Persona.Core.Churn;
using Persona.Core.Views;

namespace Persona.Core.Tests;

public sealed class PurchaseRhythmTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static ProfileView View(long purchases, double? recencyDays, double firstSeenDaysAgo, double lastSeenDaysAgo, long last30 = 0) => new()
    {
        UserId = "u",
        AsOf = Now,
        EventCount = 10,
        FirstSeen = Now.AddDays(-firstSeenDaysAgo),
        LastSeen = Now.AddDays(-lastSeenDaysAgo),
        Lifecycle = "active",
        Interests = new InterestsView([], [], [], []),
        Counters = new Dictionary<string, CounterView>(),
        Rfm = new RfmView(recencyDays, purchases, last30, purchases * 10, purchases > 0 ? 10 : null, purchases),
        Sessions = new SessionsView(1, 1, 0, 0, null),
        HourOfDay = new int[24],
        DayOfWeek = new int[7],
        Devices = new Dictionary<string, long>(),
        Channels = new Dictionary<string, long>(),
        RecentItems = [],
    };

    [Fact]
    public void Of_RegularBuyerOverdue_RiskFromUsualInterval()
    {
        // first seen 77 days ago, 4 purchases, the last 41 days ago: 36 days over 3 intervals → every 12 days
        var r = PurchaseRhythm.Of(View(4, 41, 77, 41));
        Assert.Equal(12, r.UsualIntervalDays!.Value, 9);
        Assert.Equal(1 - Math.Exp(-41.0 / 12), r.Risk, 12);
        Assert.Equal((1 - Math.Exp(-30.0 / 12)) * Math.Exp(-41.0 / 12), r.Propensity30Days, 12);
        Assert.Equal(["no purchase for 41 days, usually every 12", "last seen 41 days ago", "none of 4 purchases in the last 30 days"], r.Reasons);
    }

    [Fact]
    public void Of_OnePurchase_DefaultInterval()
    {
        var r = PurchaseRhythm.Of(View(1, 15, 20, 2, last30: 1));
        Assert.Null(r.UsualIntervalDays);
        Assert.Equal(1 - Math.Exp(-15.0 / PurchaseRhythm.DefaultIntervalDays), r.Risk, 12);
        Assert.Equal(["no purchase for 15 days since the only one"], r.Reasons);
    }

    [Fact]
    public void Of_NoPurchase_NoRiskSmallPropensity()
    {
        Assert.Equal(new[] { 0.02, 0.005 }, new[] { PurchaseRhythm.Of(View(0, null, 5, 1)).Propensity30Days, PurchaseRhythm.Of(View(0, null, 50, 30)).Propensity30Days });
        Assert.Equal(0, PurchaseRhythm.Of(View(0, null, 5, 1)).Risk);
    }
}
