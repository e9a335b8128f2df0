namespace Persona.Models.Churn;

/// <summary>
/// The RFM-recency baseline: the outcome's rate among training rows of similar recency. Recency is cut into
/// (up to) <c>bins</c> quantile bins on the training rows; each bin predicts its add-one smoothed positive rate.
/// </summary>
public sealed class RecencyBaseline
{
    private readonly float[] _upper;
    private readonly double[] _rate;

    private RecencyBaseline(float[] upper, double[] rate)
    {
        _upper = upper;
        _rate = rate;
    }

    public int Bins => _rate.Length;

    public static RecencyBaseline Fit(IReadOnlyList<float> recency, ReadOnlySpan<int> labels, int bins = 20)
    {
        ArgumentNullException.ThrowIfNull(recency);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (recency.Count == 0 || recency.Count != labels.Length)
        {
            throw new ArgumentException($"recency baseline: {recency.Count} recencies for {labels.Length} labels");
        }

        var sorted = recency.Order().ToArray();
        var upper = Enumerable.Range(1, bins - 1).Select(b => sorted[(int)((long)b * sorted.Length / bins)]).Distinct().ToList();
        upper.Add(float.PositiveInfinity);
        var edges = upper.ToArray();
        var positives = new double[edges.Length];
        var counts = new double[edges.Length];
        for (var i = 0; i < recency.Count; i++)
        {
            var b = BinOf(edges, recency[i]);
            counts[b]++;
            positives[b] += labels[i];
        }

        return new RecencyBaseline(edges, [.. positives.Zip(counts, (p, c) => (p + 1) / (c + 2))]);
    }

    public double Predict(float recencyDays) => _rate[BinOf(_upper, recencyDays)];

    private static int BinOf(float[] upper, float value)
    {
        for (var b = 0; b < upper.Length; b++)
        {
            if (value < upper[b])
            {
                return b;
            }
        }

        return upper.Length - 1;
    }
}
