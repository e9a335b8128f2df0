namespace Persona.LoadTest;

/// <summary>
/// The one percentile definition of the load generators: nearest rank. The q-th percentile of n sorted
/// values is the value at rank ⌈q·n⌉ (1-based), so it is always one of the measured values, p100 is the
/// maximum, and p99 of 100 values is the 99th smallest. q·n is taken to 1e-9 first, so that a product that
/// floating point puts just above a whole number (0.07 · 100 = 7.000000000000001) is that rank. An empty
/// sample gives 0.
/// </summary>
internal static class Percentile
{
    public static double NearestRank(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling((q * sorted.Count) - 1e-9);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary><see cref="NearestRank"/> in milliseconds rounded to the microsecond, as the reports print it.</summary>
    public static double Ms(IReadOnlyList<double> sorted, double q) => Math.Round(NearestRank(sorted, q), 3);
}
