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
    public void Problems_BadConfigurations_EachNamed()
    {
        Assert.Empty(Ab().Problems());
        Assert.Contains(new Experiment { Id = "x", Variants = [new Variant { Name = "a" }] }.Problems(), p => p.StartsWith("variants: at least two", StringComparison.Ordinal));
        Assert.Contains(new Experiment { Id = "x", Variants = [new Variant { Name = "a" }, new Variant { Name = "a" }] }.Problems(), p => p.Contains("repeats", StringComparison.Ordinal));
        Assert.Contains(new Experiment { Id = "x", Variants = [new Variant { Name = "a", Weight = 0 }, new Variant { Name = "b" }] }.Problems(), p => p.Contains("weight", StringComparison.Ordinal));
        Assert.Contains(new Experiment { Id = "x", Variants = [new Variant { Name = "a", Policy = "magic" }, new Variant { Name = "b" }] }.Problems(), p => p.Contains("policy", StringComparison.Ordinal));
    }
}
