namespace Persona.Recommend.Ranking;

/// <summary>
/// Learns blend weights by coordinate ascent (as in RankLib's CoordinateAscent): each feature's weight in turn (in
/// registry order) is tried at a few multiples of its value (and at 0), the best by the given objective is kept, and
/// rounds repeat until none improves. The objective is a validation metric (e.g. NDCG@10 on each user's validation
/// item), never a test one.
/// </summary>
public static class BlendSearch
{
    private static readonly double[] Factors = [0, 0.25, 0.5, 2, 4];

    /// <summary>
    /// The best weights found and their objective value; the features named in <paramref name="fixedAtZero"/> stay
    /// at 0 (an unknown name is refused); <paramref name="report"/> sees every trial.
    /// </summary>
    public static (BlendWeights Weights, double Objective) Run(
        Func<BlendWeights, double> objective, BlendWeights start, string source, int rounds = 3, IReadOnlyCollection<string>? fixedAtZero = null, Action<string, double>? report = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(start);
        var skip = fixedAtZero ?? [];
        var best = start.Without(skip).WithSource(source);
        var bestValue = objective(best);
        report?.Invoke(Describe(best), bestValue);
        for (var round = 0; round < rounds; round++)
        {
            var improved = false;
            foreach (var name in RankingFeatures.Names)
            {
                if (skip.Contains(name))
                {
                    continue;
                }

                var baseValue = best[name] == 0 ? 0.1 : best[name];
                foreach (var factor in Factors)
                {
                    var weight = baseValue * factor;
                    if (weight == best[name])
                    {
                        continue;
                    }

                    var trial = best.With(name, weight);
                    var value = objective(trial);
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

        return (best, bestValue);
    }

    private static string Describe(BlendWeights w) => string.Join(' ', w.Entries.Select(e => $"{e.Name}={e.Weight:0.###}"));
}
