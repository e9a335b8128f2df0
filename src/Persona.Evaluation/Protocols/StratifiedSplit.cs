using Persona.Evaluation.Recommenders;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// The Microsoft Recommenders ML-100K protocol: a seeded per-user stratified random split, 75 % of each
/// user's interactions for training and 25 % for test; each model recommends its top K items with the
/// user's training items removed; every test item is relevant. Per user, with hits = |top-K ∩ test|:
/// precision@K = hits / K; recall@K = hits / |test|; NDCG@K = DCG / ideal DCG with binary gains
/// 1/log2(rank + 1); MAP@K = (Σ over hit ranks r of precision@r) / |test| (Recommenders' definition).
/// Means over users with at least one test item.
/// </summary>
public static class StratifiedSplit
{
    public static (SortedDictionary<string, double> Metrics, int Users) Run(SequenceDataset dataset, ISequenceModel model, int k = 10, double ratio = 0.75, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(model);
        var rng = new Random(seed);
        var train = new List<Interaction[]>(dataset.Users);
        var test = new List<HashSet<int>>(dataset.Users);
        foreach (var seq in dataset.Sequences)
        {
            var shuffled = seq.OrderBy(_ => rng.Next()).ToArray();
            var cut = (int)Math.Round(shuffled.Length * ratio);
            train.Add([.. shuffled.Take(cut).OrderBy(x => x.TimeMs)]);
            test.Add([.. shuffled.Skip(cut).Select(x => x.Item)]);
        }

        model.Fit(dataset, train);
        var scores = new float[dataset.Items];
        double precision = 0, recall = 0, ndcg = 0, map = 0;
        var users = 0;
        for (var u = 0; u < dataset.Users; u++)
        {
            if (test[u].Count == 0)
            {
                continue;
            }

            users++;
            model.Score(u, train[u], scores);
            foreach (var x in train[u])
            {
                scores[x.Item] = float.NegativeInfinity;
            }

            var top = TopK(scores, k);
            double hits = 0, dcg = 0, ap = 0;
            for (var r = 0; r < top.Length; r++)
            {
                if (test[u].Contains(top[r]))
                {
                    hits++;
                    dcg += 1 / Math.Log2(r + 2);
                    ap += hits / (r + 1);
                }
            }

            var ideal = 0.0;
            for (var r = 0; r < Math.Min(k, test[u].Count); r++)
            {
                ideal += 1 / Math.Log2(r + 2);
            }

            precision += hits / k;
            recall += hits / test[u].Count;
            ndcg += dcg / ideal;
            map += ap / test[u].Count;
        }

        var n = Math.Max(1, users);
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            [$"precision@{k}"] = Math.Round(precision / n, 6),
            [$"recall@{k}"] = Math.Round(recall / n, 6),
            [$"ndcg@{k}"] = Math.Round(ndcg / n, 6),
            [$"map@{k}"] = Math.Round(map / n, 6),
        };
        return (result, users);
    }

    /// <summary>Indices of the k highest scores, best first (ties: lower index first).</summary>
    internal static int[] TopK(float[] scores, int k) =>
        [.. Enumerable.Range(0, scores.Length).Where(i => !float.IsNegativeInfinity(scores[i]))
            .OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k)];
}
