using Persona.Models.Training;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// 95 % percentile bootstrap intervals of two scorers' AUCs on the same rows and of their difference: each resample
/// draws rows with replacement and scores both on it, so the difference's interval accounts for their correlation.
/// Resamples with one class only have no AUC and are skipped.
/// </summary>
public static class PairedBootstrap
{
    public const int Samples = 1000;

    public static (Interval A, Interval B, Interval Difference) Auc(double[] a, double[] b, int[] y, int seed, int samples = Samples)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(y);
        var random = new Random(seed);
        var aucA = new List<double>(samples);
        var aucB = new List<double>(samples);
        var difference = new List<double>(samples);
        var pa = new double[y.Length];
        var pb = new double[y.Length];
        var ys = new int[y.Length];
        for (var s = 0; s < samples; s++)
        {
            for (var i = 0; i < y.Length; i++)
            {
                var j = random.Next(y.Length);
                (pa[i], pb[i], ys[i]) = (a[j], b[j], y[j]);
            }

            var x = BinaryMetrics.Auc(pa, ys);
            var z = BinaryMetrics.Auc(pb, ys);
            if (double.IsNaN(x) || double.IsNaN(z))
            {
                continue;
            }

            aucA.Add(x);
            aucB.Add(z);
            difference.Add(x - z);
        }

        return (Percentiles(aucA), Percentiles(aucB), Percentiles(difference));
    }

    private static Interval Percentiles(List<double> values)
    {
        values.Sort();
        return values.Count == 0
            ? new Interval(double.NaN, double.NaN)
            : new Interval(values[(int)(0.025 * (values.Count - 1))], values[(int)Math.Ceiling(0.975 * (values.Count - 1))]);
    }
}

/// <summary>A 95 % interval.</summary>
public readonly record struct Interval(double Low, double High);
