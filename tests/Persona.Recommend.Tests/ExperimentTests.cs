using Persona.Recommend.Experiments;

namespace Persona.Recommend.Tests;

public sealed class ExperimentTests
{
    private static Experiment Ab(double a = 1, double b = 1) => new()
    {
        Id = "exp1",
        Variants = [new Variant { Name = "control", Weight = a, Policy = Variant.Popularity }, new Variant { Name = "treatment", Weight = b }],
    };

    [Fact]
    public void Assign_SameUserTwice_SameVariant()
    {
        var e = Ab();
        for (var u = 0; u < 100; u++)
        {
            Assert.Equal(Bucketing.Assign(e, $"user{u}").Name, Bucketing.Assign(e, $"user{u}").Name);
        }
    }

    [Fact]
    public void Assign_ManyUsers_SharesFollowTheWeightsWithinThreeSigma()
    {
        var e = Ab(1, 3);
        var n = 20_000;
        var treated = Enumerable.Range(0, n).Count(u => Bucketing.Assign(e, $"user{u}").Name == "treatment");
        var sigma = Math.Sqrt(n * 0.75 * 0.25);
        Assert.InRange(treated, (n * 0.75) - (3 * sigma), (n * 0.75) + (3 * sigma));
    }

    [Fact]
    public void Wilson_TenOfAHundred_KnownInterval()
    {
        var (low, high) = Statistics.Wilson(10, 100);
        Assert.Equal(0.0552, low, 4);
        Assert.Equal(0.1744, high, 4);
        Assert.Equal((0.0, 1.0), Statistics.Wilson(0, 0));
    }

    [Fact]
    public void NormalUpperTail_KnownQuantiles()
    {
        Assert.Equal(0.025, Statistics.NormalUpperTail(1.959963984540054), 6);
        Assert.Equal(0.5, Statistics.NormalUpperTail(0), 6);
        Assert.Equal(0.97725, Statistics.NormalUpperTail(-2), 5);
    }

    [Fact]
    public void TwoProportionP_EqualAndVeryDifferentRates_OneAndNearZero()
    {
        Assert.Equal(1, Statistics.TwoProportionP(50, 1000, 50, 1000), 6);
        Assert.True(Statistics.TwoProportionP(50, 1000, 150, 1000) < 1e-9);
        // 100/1000 vs 130/1000: pooled 0.115, z = 2.1027, p = 0.0355
        Assert.Equal(0.0355, Statistics.TwoProportionP(100, 1000, 130, 1000), 4);
    }

    [Fact]
    public void Report_ClicksAndPurchasesPerArm_RatesAndIntervals()
    {
        var results = new ExperimentResults(Ab());
        for (var u = 0; u < 100; u++)
        {
            results.Shown("control", $"c{u}", 10);
            results.Shown("treatment", $"t{u}", 10);
        }

        for (var u = 0; u < 20; u++)
        {
            results.Clicked("control", $"c{u}");
        }

        for (var u = 0; u < 40; u++)
        {
            results.Clicked("treatment", $"t{u}");
            results.Purchased("treatment", $"t{u}", 10);
        }

        var report = results.Report();
        var control = report.Variants[0];
        var treatment = report.Variants[1];
        Assert.Equal(0.02, control.ClickThroughRate.Value, 9);
        Assert.Equal(0.04, treatment.ClickThroughRate.Value, 9);
        Assert.Equal(0.4, treatment.ConversionRate.Value, 9);
        Assert.Equal(4.0, treatment.RevenuePerUser.Value, 9);
        Assert.Null(control.VersusControl);
        Assert.True(treatment.VersusControl!.ConversionP < 0.001);
        Assert.True(treatment.ClickThroughRate.Low < 0.04 && treatment.ClickThroughRate.High > 0.04);
    }

    [Fact]
    public void Report_TalliesOfTwoServers_EqualsTheReportOfOneServerThatCountedEverything()
    {
        var (first, second, both) = (new ExperimentResults(Ab()), new ExperimentResults(Ab()), new ExperimentResults(Ab()));
        var random = new Random(7);
        var shownBy = new Dictionary<string, List<ExperimentResults>>();
        for (var i = 0; i < 2_000; i++)
        {
            var user = $"u{random.Next(300)}";
            var variant = Bucketing.Assign(Ab(), user).Name;
            var kind = random.Next(4);
            if (kind < 2)
            {
                // An answer, served by either server (a user may be answered by both).
                var server = random.Next(2) == 0 ? first : second;
                server.Shown(variant, user, 10);
                both.Shown(variant, user, 10);
                (shownBy.TryGetValue(user, out var servers) ? servers : shownBy[user] = []).Add(server);
                continue;
            }

            // A response is attributed by the server that served the answer it carries the id of.
            if (!shownBy.TryGetValue(user, out var by))
            {
                continue;
            }

            var attributing = by[random.Next(by.Count)];
            if (kind == 2)
            {
                attributing.Clicked(variant, user);
                both.Clicked(variant, user);
            }
            else
            {
                attributing.Purchased(variant, user, 12.5);
                both.Purchased(variant, user, 12.5);
            }
        }

        var merged = ExperimentResults.Report(Ab(), [first.Tally(), second.Tally()]);
        var expected = both.Report();

        Assert.True(first.Tally().Arms.Sum(a => a.Users.Count) > 0 && second.Tally().Arms.Sum(a => a.Users.Count) > 0);
        Assert.Equal(expected.Variants.Select(v => (v.Users, v.Answers, v.ItemsShown, v.Clicks, v.Purchases)), merged.Variants.Select(v => (v.Users, v.Answers, v.ItemsShown, v.Clicks, v.Purchases)));
        for (var v = 0; v < expected.Variants.Count; v++)
        {
            Assert.Equal(expected.Variants[v].ConversionRate, merged.Variants[v].ConversionRate);
            Assert.Equal(expected.Variants[v].ClickThroughRate, merged.Variants[v].ClickThroughRate);
            Assert.Equal(expected.Variants[v].RevenuePerUser.Value, merged.Variants[v].RevenuePerUser.Value, 9);
        }
    }

    [Fact]
    public void Version_EachCountedAction_GrowsAndAnUnknownVariantLeavesIt()
    {
        var results = new ExperimentResults(Ab());
        results.Shown("control", "u1", 5);
        results.Clicked("control", "u1");
        results.Purchased("control", "u1", 3);
        results.Shown("nope", "u1", 5);

        Assert.Equal(3, results.Version);
    }

    [Fact]
    public void Problems_BadConfigurations_EachNamed()
    {
        Assert.Empty(Ab().Problems());
        Assert.Contains(new Experiment { Id = "x", Variants = [new Variant { Name = "a" }] }.Problems(), p => p.StartsWith("variants: at least two", StringComparison.Ordinal));
        Assert.Contains(new Experiment { Id = "x", Variants = [new Variant { Name = "a" }, new Variant { Name = "a" }] }.Problems(), p => p.Contains("repeats", StringComparison.Ordinal));
        Assert.Contains(new Experiment { Id = "x", Variants = [new Variant { Name = "a", Weight = 0 }, new Variant { Name = "b" }] }.Problems(), p => p.Contains("weight", StringComparison.Ordinal));
        Assert.Contains(new Experiment { Id = "x", Variants = [new Variant { Name = "a", Policy = "magic" }, new Variant { Name = "b" }] }.Problems(), p => p.Contains("policy", StringComparison.Ordinal));
    }
}
