using Persona.Evaluation.Recommenders;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// Cold-start users: a seeded share of the users is held out entirely (none of their events is trained on);
/// each is then given only their first <c>c</c> events (c = 1, 2) and asked for the next one, ranked against
/// every item they have not interacted with (full ranking, ties as in <see cref="LeaveOneOut"/>). Metrics are
/// reported per c (<c>c1.ndcg@10</c>, <c>c2.hr@10</c>, ...). Users need at least 3 events.
/// </summary>
public static class ColdStart
{
    public static (SortedDictionary<string, double> Metrics, int Users) Run(SequenceDataset dataset, ISequenceModel model, double share = 0.1, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(share);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(share, 1);
        var rng = new Random(seed);
        var cold = new bool[dataset.Users];
        for (var u = 0; u < dataset.Users; u++)
        {
            cold[u] = dataset.Sequences[u].Length >= 3 && rng.NextDouble() < share;
        }

        var training = dataset.Sequences.Select((s, u) => cold[u] ? [] : s).ToList();
        model.Fit(dataset, training);
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var scores = new float[dataset.Items];
        var users = 0;
        foreach (var c in new[] { 1, 2 })
        {
            var metrics = new RankingMetrics(LeaveOneOut.Ks);
            for (var u = 0; u < dataset.Users; u++)
            {
                if (!cold[u])
                {
                    continue;
                }

                var seq = dataset.Sequences[u];
                var history = seq.AsSpan(0, c);
                var target = seq[c].Item;
                model.Score(u, history, scores);
                var seen = new HashSet<int>();
                foreach (var x in history)
                {
                    seen.Add(x.Item);
                }

                if (seen.Contains(target))
                {
                    continue; // a repeat: not a next-item question
                }

                var rank = 1;
                var value = scores[target];
                for (var i = 0; i < scores.Length; i++)
                {
                    if (i != target && !seen.Contains(i) && (scores[i] > value || (scores[i] == value && i < target)))
                    {
                        rank++;
                    }
                }

                metrics.Add(rank);
            }

            foreach (var (key, v) in metrics.Result())
            {
                result[$"c{c}.{key}"] = v;
            }

            users = metrics.Count;
        }

        return (result, users);
    }
}
