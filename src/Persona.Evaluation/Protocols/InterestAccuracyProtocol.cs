using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Synthetic;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// How closely profile interests track the planted ones (synthetic shop). The stream is applied in time
/// order; every 7 days of event time each active user's profile over leaf categories is compared with the
/// planted mixture at that time: cosine between the two distributions, and NDCG@3 of the profile's
/// ranking with the planted weights as gains. For users whose interests change at a planted point, the
/// lag is the event time from the change until the profile's strongest leaf first equals the new
/// mixture's strongest leaf (checked at each of the user's events).
/// </summary>
public static class InterestAccuracyProtocol
{
    public static (SortedDictionary<string, double> Metrics, int Users) Run(SyntheticShop shop, EngineConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(shop);
        var engine = new ProfileEngine(config ?? new EngineConfig());
        var index = new CatalogIndex();
        index.Upsert(shop.Catalog);
        var leafIds = shop.LeafCategories.Select(l => FeatureId.Of(FeatureKind.Category, l)).ToArray();
        var leafOf = leafIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var states = new Dictionary<string, ProfileState>(StringComparer.Ordinal);
        var truth = new Dictionary<string, SyntheticUser>(StringComparer.Ordinal);
        var lags = new List<double>();
        var pending = new Dictionary<string, long>(StringComparer.Ordinal); // user → change point still to be followed
        var window = 7 * 86_400_000L;
        long nextCheck = long.MinValue;
        var cosines = new List<(int Window, double Cosine, double Ndcg)>();
        var w = 0;
        var drifted = 0;
        foreach (var e in shop.Events())
        {
            if (nextCheck == long.MinValue)
            {
                nextCheck = e.TimestampMs + window;
            }

            if (e.TimestampMs >= nextCheck)
            {
                w++;
                foreach (var (user, state) in states)
                {
                    var (cos, ndcg) = Compare(engine, state, truth[user].InterestsAt(nextCheck), leafOf, leafIds.Length, nextCheck);
                    cosines.Add((w, cos, ndcg));
                }

                nextCheck += window;
            }

            if (!states.TryGetValue(e.UserId, out var s))
            {
                s = new ProfileState(e.UserId);
                states[e.UserId] = s;
                var planted = shop.User(int.Parse(e.UserId.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture));
                truth[e.UserId] = planted;
                if (planted.ChangePointMs is { } cp && planted.InterestsAfterChange[0].Leaf != planted.Interests[0].Leaf)
                {
                    pending[e.UserId] = cp;
                    drifted++;
                }
            }

            engine.Apply(s, e, index);
            if (pending.TryGetValue(e.UserId, out var change) && e.TimestampMs >= change)
            {
                var target = truth[e.UserId].InterestsAfterChange[0].Leaf;
                if (TopLeaf(engine, s, leafOf, e.TimestampMs) == target)
                {
                    lags.Add((e.TimestampMs - change) / 3_600_000.0);
                    pending.Remove(e.UserId);
                }
            }
        }

        lags.Sort();
        double Q(double q) => lags.Count == 0 ? double.NaN : lags[(int)Math.Min(lags.Count - 1, q * lags.Count)];
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["cosine"] = Math.Round(cosines.Count == 0 ? 0 : cosines.Average(c => c.Cosine), 6),
            ["ndcg@3"] = Math.Round(cosines.Count == 0 ? 0 : cosines.Average(c => c.Ndcg), 6),
            ["drifted_users"] = drifted,
            ["followed_share"] = Math.Round(drifted == 0 ? 0 : lags.Count / (double)drifted, 6),
            ["lag_p50_hours"] = Math.Round(Q(0.5), 2),
            ["lag_p90_hours"] = Math.Round(Q(0.9), 2),
        };
        foreach (var g in cosines.GroupBy(c => c.Window))
        {
            metrics[$"window_{g.Key:D2}.cosine"] = Math.Round(g.Average(c => c.Cosine), 6);
            metrics[$"window_{g.Key:D2}.ndcg@3"] = Math.Round(g.Average(c => c.Ndcg), 6);
        }

        return (metrics, states.Count);
    }

    private static int TopLeaf(ProfileEngine engine, ProfileState state, Dictionary<ulong, int> leafOf, long now)
    {
        var best = -1;
        var bestWeight = 0.0;
        foreach (var (feature, weight) in engine.Interests(state, now))
        {
            if (weight > bestWeight && leafOf.TryGetValue(feature, out var leaf))
            {
                (best, bestWeight) = (leaf, weight);
            }
        }

        return best;
    }

    private static (double Cosine, double Ndcg) Compare(ProfileEngine engine, ProfileState state, IReadOnlyList<(int Leaf, double Weight)> planted, Dictionary<ulong, int> leafOf, int leaves, long now)
    {
        var profile = new double[leaves];
        foreach (var (feature, weight) in engine.Interests(state, now))
        {
            if (leafOf.TryGetValue(feature, out var leaf))
            {
                profile[leaf] = weight;
            }
        }

        var truth = new double[leaves];
        foreach (var (leaf, weight) in planted)
        {
            truth[leaf] = weight;
        }

        double dot = 0, np = 0, nt = 0;
        for (var i = 0; i < leaves; i++)
        {
            dot += profile[i] * truth[i];
            np += profile[i] * profile[i];
            nt += truth[i] * truth[i];
        }

        var cosine = np == 0 || nt == 0 ? 0 : dot / Math.Sqrt(np * nt);
        var ranked = Enumerable.Range(0, leaves).Where(i => profile[i] > 0).OrderByDescending(i => profile[i]).ThenBy(i => i).Take(3).ToArray();
        var ideal = truth.OrderDescending().Take(3).ToArray();
        double dcg = 0, idcg = 0;
        for (var r = 0; r < 3; r++)
        {
            dcg += r < ranked.Length ? truth[ranked[r]] / Math.Log2(r + 2) : 0;
            idcg += ideal[r] / Math.Log2(r + 2);
        }

        return (cosine, idcg == 0 ? 0 : dcg / idcg);
    }
}
