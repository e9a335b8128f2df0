using Persona.Core.Discovery;

namespace Persona.Serving.Privacy;

/// <summary>
/// The RFM map's customer counts with ε-differential privacy. The exact map scores customers by quintiles of the
/// data itself, and one customer more can move a whole group of tied customers across a quintile (every customer
/// with two purchases, say), so its cell counts have no small sensitivity: noise on them alone would not give ε.
/// The release therefore runs in two steps, each with its sensitivity bounded by construction, and spends ε/2 on each
/// (sequential composition):
/// <list type="number">
/// <item>Recency days and purchase counts are counted in fixed bins (edges chosen without the data); one customer is in
/// one bin of each, so the two histograms have L1 sensitivity 2 and get Laplace noise of scale 2/(ε/2). Each bin's R or F
/// score is its mid-rank quintile in the noisy histogram (as the exact map scores a value).</item>
/// <item>Each customer takes the scores of their bins, so their cell depends on their own values and the released
/// histograms only: one customer changes one cell count by one (sensitivity 1), and the cell counts get Laplace noise of
/// scale 1/(ε/2).</item>
/// </list>
/// The cells are those of the exact map with bin-level quintiles: a customer near a quintile edge may land in the
/// neighbouring cell, the price of not reading the quintiles off the data exactly.
/// </summary>
public static class PrivateRfm
{
    /// <summary>Bin edges of recency in days: [0,1), [1,2), ..., [730, ∞).</summary>
    public static IReadOnlyList<double> RecencyEdges { get; } = [1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90, 120, 180, 270, 365, 540, 730];

    /// <summary>Bin edges of purchase counts: [1,2), [2,3), ..., [101, ∞).</summary>
    public static IReadOnlyList<double> FrequencyEdges { get; } = [2, 3, 4, 5, 6, 8, 11, 16, 26, 51, 101];

    /// <summary>The noisy customer count of every cell of the map (best first), from <paramref name="noise"/> (a Laplace sample of the given scale).</summary>
    public static IReadOnlyList<(string Cell, long Customers)> Release(IReadOnlyList<RfmCustomer> customers, double epsilon, Func<double, double> noise)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        var half = epsilon / 2;

        // Step 1: the binned histograms, noisy (L1 sensitivity 2 for the pair), and each bin's score from them.
        var recency = new double[RecencyEdges.Count + 1];
        var frequency = new double[FrequencyEdges.Count + 1];
        foreach (var c in customers)
        {
            recency[Bin(RecencyEdges, c.RecencyDays)]++;
            frequency[Bin(FrequencyEdges, c.Frequency)]++;
        }

        var binScale = 2 / half;
        var recencyScore = BinScores(recency, binScale, noise, higherIsBetter: false);
        var frequencyScore = BinScores(frequency, binScale, noise, higherIsBetter: true);

        // Step 2: cells from the bins' scores (each customer's own values only), counts noisy (sensitivity 1).
        var counts = RfmScoring.Cells.ToDictionary(c => c, _ => 0L, StringComparer.Ordinal);
        foreach (var c in customers)
        {
            counts[RfmScoring.Cell(recencyScore[Bin(RecencyEdges, c.RecencyDays)], frequencyScore[Bin(FrequencyEdges, c.Frequency)])]++;
        }

        var cellScale = 1 / half;
        return [.. RfmScoring.Cells.Select(cell => (cell, Math.Max(0, (long)Math.Round(counts[cell] + noise(cellScale)))))];
    }

    /// <summary>The bin a value falls in: the number of edges at or below it.</summary>
    public static int Bin(IReadOnlyList<double> edges, double value)
    {
        var bin = 0;
        while (bin < edges.Count && value >= edges[bin])
        {
            bin++;
        }

        return bin;
    }

    /// <summary>Each bin's score 1..5: 1 + ⌊5·p⌋ with p the bin's mid-rank share of the noisy histogram (clamped at 0), best bins highest.</summary>
    private static int[] BinScores(double[] histogram, double scale, Func<double, double> noise, bool higherIsBetter)
    {
        var noisy = histogram.Select(h => Math.Max(0, h + noise(scale))).ToArray();
        if (!higherIsBetter)
        {
            Array.Reverse(noisy);
        }

        var total = noisy.Sum();
        var scores = new int[noisy.Length];
        var below = 0.0;
        for (var i = 0; i < noisy.Length; i++)
        {
            var p = total <= 0 ? 0.5 : (below + (noisy[i] / 2)) / total;
            scores[i] = Math.Min(5, 1 + (int)Math.Floor(5 * p));
            below += noisy[i];
        }

        if (!higherIsBetter)
        {
            Array.Reverse(scores);
        }

        return scores;
    }
}
