namespace Persona.Models.Training;

/// <summary>
/// Scores of probabilistic binary predictions: ROC AUC (Mann–Whitney, ties counted half), log loss
/// (probabilities clipped to [1e-7, 1 − 1e-7]), Brier score, and a calibration table of ten equal-width
/// bins of predicted probability (rows, mean prediction, observed rate).
/// </summary>
public static class BinaryMetrics
{
    public sealed record Bin(double From, double To, int Rows, double MeanPredicted, double Observed);

    public static double Auc(IReadOnlyList<double> p, IReadOnlyList<int> y)
    {
        Check(p, y);
        var order = Enumerable.Range(0, p.Count).OrderBy(i => p[i]).ToArray();
        double rankSum = 0;
        long positives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && p[order[end + 1]] == p[order[start]])
            {
                end++;
            }

            var rank = ((start + end) / 2.0) + 1; // average 1-based rank of the tied run
            for (var k = start; k <= end; k++)
            {
                if (y[order[k]] == 1)
                {
                    rankSum += rank;
                    positives++;
                }
            }

            start = end + 1;
        }

        var negatives = p.Count - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    public static double LogLoss(IReadOnlyList<double> p, IReadOnlyList<int> y)
    {
        Check(p, y);
        double sum = 0;
        for (var i = 0; i < p.Count; i++)
        {
            var q = Math.Clamp(p[i], 1e-7, 1 - 1e-7);
            sum -= y[i] == 1 ? Math.Log(q) : Math.Log(1 - q);
        }

        return sum / p.Count;
    }

    public static double Brier(IReadOnlyList<double> p, IReadOnlyList<int> y)
    {
        Check(p, y);
        return Enumerable.Range(0, p.Count).Average(i => (p[i] - y[i]) * (p[i] - y[i]));
    }

    public static IReadOnlyList<Bin> Calibration(IReadOnlyList<double> p, IReadOnlyList<int> y, int bins = 10)
    {
        Check(p, y);
        var rows = new int[bins];
        var predicted = new double[bins];
        var observed = new double[bins];
        for (var i = 0; i < p.Count; i++)
        {
            var b = Math.Min(bins - 1, (int)(p[i] * bins));
            rows[b]++;
            predicted[b] += p[i];
            observed[b] += y[i];
        }

        return [.. Enumerable.Range(0, bins).Select(b => new Bin((double)b / bins, (double)(b + 1) / bins, rows[b], rows[b] == 0 ? double.NaN : predicted[b] / rows[b], rows[b] == 0 ? double.NaN : observed[b] / rows[b]))];
    }

    private static void Check(IReadOnlyList<double> p, IReadOnlyList<int> y)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(y);
        if (p.Count != y.Count || p.Count == 0)
        {
            throw new ArgumentException($"binary metrics: {p.Count} predictions for {y.Count} labels");
        }

        if (y.Any(v => v is not (0 or 1)) || p.Any(v => !(v >= 0 && v <= 1)))
        {
            throw new ArgumentException("binary metrics: labels must be 0 or 1 and predictions within [0, 1]");
        }
    }
}
