namespace Persona.Recommend.Experiments;

/// <summary>Intervals and tests for A/B reports (95 % by default).</summary>
public static class Statistics
{
    public const double Z95 = 1.959963984540054;

    /// <summary>Wilson score interval of a proportion: well behaved for small counts and rates near 0.</summary>
    public static (double Low, double High) Wilson(long successes, long trials, double z = Z95)
    {
        if (trials <= 0)
        {
            return (0, 1);
        }

        var p = (double)successes / trials;
        var z2 = z * z;
        var denominator = 1 + (z2 / trials);
        var centre = (p + (z2 / (2 * trials))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / trials) + (z2 / (4.0 * trials * trials))) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>Two-sided p-value of the pooled two-proportion z-test (1 when either side has no trials).</summary>
    public static double TwoProportionP(long s1, long n1, long s2, long n2)
    {
        if (n1 <= 0 || n2 <= 0)
        {
            return 1;
        }

        var pooled = (double)(s1 + s2) / (n1 + n2);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / n1) + (1.0 / n2)));
        if (se == 0)
        {
            return 1;
        }

        var z = (((double)s2 / n2) - ((double)s1 / n1)) / se;
        return 2 * NormalUpperTail(Math.Abs(z));
    }

    /// <summary>Difference p2 − p1 of two proportions with its (unpooled, Wald) 95 % interval.</summary>
    public static (double Difference, double Low, double High) ProportionDifference(long s1, long n1, long s2, long n2, double z = Z95)
    {
        if (n1 <= 0 || n2 <= 0)
        {
            return (0, -1, 1);
        }

        double p1 = (double)s1 / n1, p2 = (double)s2 / n2;
        var se = Math.Sqrt((p1 * (1 - p1) / n1) + (p2 * (1 - p2) / n2));
        return (p2 - p1, p2 - p1 - (z * se), p2 - p1 + (z * se));
    }

    /// <summary>Mean of a sample with its normal-approximation 95 % interval.</summary>
    public static (double Mean, double Low, double High) MeanInterval(IReadOnlyCollection<double> values, double z = Z95)
    {
        if (values.Count == 0)
        {
            return (0, 0, 0);
        }

        var (mean, variance) = MeanVariance(values);
        var half = z * Math.Sqrt(variance / values.Count);
        return (mean, mean - half, mean + half);
    }

    /// <summary>Two-sided p-value of Welch's test for a difference of means (normal approximation: A/B samples are large).</summary>
    public static double WelchP(IReadOnlyCollection<double> a, IReadOnlyCollection<double> b)
    {
        if (a.Count < 2 || b.Count < 2)
        {
            return 1;
        }

        var (ma, va) = MeanVariance(a);
        var (mb, vb) = MeanVariance(b);
        var se = Math.Sqrt((va / a.Count) + (vb / b.Count));
        return se == 0 ? (ma == mb ? 1 : 0) : 2 * NormalUpperTail(Math.Abs(mb - ma) / se);
    }

    /// <summary>P(Z &gt; z) for a standard normal Z (erfc by the Numerical Recipes Chebyshev fit, error below 1.2e-7).</summary>
    public static double NormalUpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        var poly = -1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806 + (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851587 + (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        var r = t * Math.Exp((-z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }

    private static (double Mean, double Variance) MeanVariance(IReadOnlyCollection<double> values)
    {
        var mean = values.Average();
        var variance = values.Count < 2 ? 0 : values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, variance);
    }
}
