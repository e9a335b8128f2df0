using Persona.Evaluation.Recommenders;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// Leave-one-out next-item evaluation as in SASRec and S3-Rec: per user the last item is the test item and
/// the second-to-last the validation item. For the test ranking, models learn from everything but the test
/// items (the validation item is part of the known history at test time, as in S3-Rec's test-time input;
/// nothing here is tuned on it). The test item is ranked against
/// <b>all</b> items the user has not interacted with (full ranking), or against <c>negatives</c> sampled
/// ones. Ties are broken against the test item's favour only by item order (lower index first), so
/// constant scores give the expected random rank. Users with fewer than 3 interactions are skipped.
/// </summary>
public static class LeaveOneOut
{
    public static readonly int[] Ks = [5, 10, 20];

    public static (SortedDictionary<string, double> Metrics, int Users) Run(SequenceDataset dataset, ISequenceModel model, int negatives = 0, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(model);
        var training = dataset.Sequences.Select(s => s.Length >= 3 ? s[..^1] : s).ToList();
        model.Fit(dataset, training);
        var metrics = new RankingMetrics(Ks);
        var scores = new float[dataset.Items];
        var seen = new bool[dataset.Items];
        var rng = new Random(seed);
        for (var u = 0; u < dataset.Users; u++)
        {
            var seq = dataset.Sequences[u];
            if (seq.Length < 3)
            {
                continue;
            }

            var history = seq.AsSpan(0, seq.Length - 1);
            var test = seq[^1].Item;
            model.Score(u, history, scores);
            foreach (var x in history)
            {
                seen[x.Item] = true;
            }

            var target = scores[test];
            var rank = 1;
            if (negatives <= 0)
            {
                for (var i = 0; i < scores.Length; i++)
                {
                    if (i != test && !seen[i] && (scores[i] > target || (scores[i] == target && i < test)))
                    {
                        rank++;
                    }
                }
            }
            else
            {
                var drawn = new HashSet<int>();
                while (drawn.Count < Math.Min(negatives, dataset.Items - history.Length - 1))
                {
                    var i = rng.Next(dataset.Items);
                    if (i != test && !seen[i] && drawn.Add(i) && (scores[i] > target || (scores[i] == target && i < test)))
                    {
                        rank++;
                    }
                }
            }

            foreach (var x in history)
            {
                seen[x.Item] = false;
            }

            metrics.Add(rank);
        }

        return (metrics.Result(), metrics.Count);
    }
}
