namespace Persona.Recommend.Ranking;

/// <summary>
/// Learns blend weights by coordinate ascent (as in RankLib's CoordinateAscent): each weight in turn is tried
/// at a few multiples of its value (and at 0), the best by the given objective is kept, and rounds repeat
/// until none improves. The objective is a validation metric (e.g. NDCG@10 on each user's validation item),
/// never a test one.
/// </summary>
public static class BlendSearch
{
    private static readonly double[] Factors = [0, 0.25, 0.5, 2, 4];

    /// <summary>The best weights found and their objective value; <paramref name="report"/> sees every trial.</summary>
    public static (BlendWeights Weights, double Objective) Run(
        Func<BlendWeights, double> objective, BlendWeights start, string source, int rounds = 3, IReadOnlyCollection<int>? fixedAtZero = null, Action<string, double>? report = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(start);
        var best = start.ToArray();
        var skip = fixedAtZero ?? [];
        foreach (var i in skip)
        {
            best[i] = 0;
        }

        var bestValue = objective(BlendWeights.FromArray(best, source));
        report?.Invoke(Describe(best), bestValue);
        for (var round = 0; round < rounds; round++)
        {
            var improved = false;
            for (var i = 0; i < best.Length; i++)
            {
                if (skip.Contains(i))
                {
                    continue;
                }

                var baseValue = best[i] == 0 ? 0.1 : best[i];
                foreach (var factor in Factors)
                {
                    var trial = (double[])best.Clone();
                    trial[i] = baseValue * factor;
                    if (trial[i] == best[i])
                    {
                        continue;
                    }

                    var value = objective(BlendWeights.FromArray(trial, source));
                    report?.Invoke(Describe(trial), value);
                    if (value > bestValue + 1e-9)
                    {
                        (best, bestValue, improved) = (trial, value, true);
                    }
                }
            }

            if (!improved)
            {
                break;
            }
        }

        return (BlendWeights.FromArray(best, source), bestValue);
    }

    private static string Describe(double[] w) => string.Join(' ', w.Select((x, i) => $"{BlendWeights.Names[i]}={x:0.###}"));
}
