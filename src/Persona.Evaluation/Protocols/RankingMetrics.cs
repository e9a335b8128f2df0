namespace Persona.Evaluation.Protocols;

/// <summary>Accumulates HR@K, NDCG@K and MRR@K over ranks (1 = best) of held-out items.</summary>
public sealed class RankingMetrics(IReadOnlyList<int> ks)
{
    private readonly double[] _hr = new double[ks.Count];
    private readonly double[] _ndcg = new double[ks.Count];
    private readonly double[] _mrr = new double[ks.Count];

    public int Count { get; private set; }

    public void Add(int rank)
    {
        Count++;
        for (var i = 0; i < ks.Count; i++)
        {
            if (rank <= ks[i])
            {
                _hr[i] += 1;
                _ndcg[i] += 1 / Math.Log2(rank + 1);
                _mrr[i] += 1.0 / rank;
            }
        }
    }

    /// <summary>Means over the users evaluated, keyed like <c>hr@10</c>, <c>ndcg@10</c>, <c>mrr@10</c>.</summary>
    public SortedDictionary<string, double> Result()
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < ks.Count; i++)
        {
            result[$"hr@{ks[i]}"] = Math.Round(_hr[i] / Math.Max(1, Count), 6);
            result[$"ndcg@{ks[i]}"] = Math.Round(_ndcg[i] / Math.Max(1, Count), 6);
            result[$"mrr@{ks[i]}"] = Math.Round(_mrr[i] / Math.Max(1, Count), 6);
        }

        return result;
    }
}
