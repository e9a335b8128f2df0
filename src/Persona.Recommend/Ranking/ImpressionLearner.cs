using Persona.Core.Events;
using Persona.Recommend.Feedback;

namespace Persona.Recommend.Ranking;

/// <summary>One served answer with its logged features and which positions were clicked.</summary>
/// <param name="Features">Per position, the candidate features as served, in the order of <see cref="RankingFeatures.Names"/>.</param>
/// <param name="Clicked">Per position, whether the user clicked it (attributed by recommendation id).</param>
public sealed record LoggedList(float[][] Features, bool[] Clicked);

/// <summary>
/// Learns the blend from logged impressions: the answers as served, with the features the blend scored, and the
/// clicks attributed to them. The objective re-ranks each logged answer with candidate weights and scores where the
/// clicked items land (NDCG), each click weighted by the inverse of its position's examination propensity
/// (unbiased learning to rank, Joachims et al. 2017), so that the weights do not merely learn the old ranking's
/// position bias. The propensity of position p is the click-through rate at p relative to position 1, from the
/// same logs, made non-increasing; it overstates the bias where the old ranking was good (it conflates relevance
/// with position), so the correction is conservative. Weights are searched by <see cref="BlendSearch"/> on 80 % of
/// the answers and reported on the other 20 %.
/// </summary>
public static class ImpressionLearner
{
    /// <summary>
    /// The logged answers with at least one click, joined with the clicks that carry their id (same user, item in
    /// the answer); items filled without scoring are left out. <paramref name="nameOf"/> names an event's user as
    /// the impressions do (their keyed pseudonym where served; the id itself when null).
    /// </summary>
    public static List<LoggedList> Join(IEnumerable<Impression> impressions, IEnumerable<BehaviorEvent> events, Func<string, string>? nameOf = null)
    {
        nameOf ??= static id => id;
        ArgumentNullException.ThrowIfNull(impressions);
        ArgumentNullException.ThrowIfNull(events);
        var clicks = new HashSet<(string, string, string)>();
        foreach (var e in events)
        {
            if (e.BuiltInType == EventType.Click && e.RecommendationId is { } id && e.ItemId is { } item)
            {
                clicks.Add((id, nameOf(e.UserId), item));
            }
        }

        var lists = new List<LoggedList>();
        foreach (var impression in impressions)
        {
            if (impression.Features is not { } features)
            {
                continue;
            }

            var rows = new List<float[]>();
            var clicked = new List<bool>();
            for (var p = 0; p < impression.Items.Count && p < features.Count; p++)
            {
                if (features[p] is { } f && f.Length == RankingFeatures.Count)
                {
                    rows.Add(f);
                    clicked.Add(clicks.Contains((impression.RecommendationId, impression.UserId, impression.Items[p])));
                }
            }

            if (clicked.Contains(true))
            {
                lists.Add(new LoggedList([.. rows], [.. clicked]));
            }
        }

        return lists;
    }

    /// <summary>Examination propensity by position (1 at the first), from click-through by position in the answers given, non-increasing and at least 0.05.</summary>
    public static double[] Propensities(IReadOnlyList<LoggedList> lists, IEnumerable<Impression>? all = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        var length = lists.Count == 0 ? 1 : lists.Max(l => l.Clicked.Length);
        var shown = new double[length];
        var clicks = new double[length];
        foreach (var l in lists)
        {
            for (var p = 0; p < l.Clicked.Length; p++)
            {
                shown[p]++;
                clicks[p] += l.Clicked[p] ? 1 : 0;
            }
        }

        var result = new double[length];
        var first = clicks[0] / Math.Max(1, shown[0]);
        for (var p = 0; p < length; p++)
        {
            var rate = clicks[p] / Math.Max(1, shown[p]);
            result[p] = first <= 0 ? 1 : Math.Clamp(rate / first, 0.05, 1);
            if (p > 0)
            {
                result[p] = Math.Min(result[p], result[p - 1]);
            }
        }

        return result;
    }

    /// <summary>Inverse-propensity-weighted NDCG of the clicks when each list is re-ranked by <paramref name="weights"/>.</summary>
    public static double Objective(IReadOnlyList<LoggedList> lists, BlendWeights weights, double[] propensity)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(weights);
        var w = weights.Vector;
        var total = 0.0;
        foreach (var l in lists)
        {
            var n = l.Clicked.Length;
            var order = new (double Score, int Position)[n];
            for (var p = 0; p < n; p++)
            {
                var s = 0.0;
                for (var j = 0; j < w.Length; j++)
                {
                    s += w[j] * l.Features[p][j];
                }

                order[p] = (s, p);
            }

            Array.Sort(order, (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Position.CompareTo(b.Position));
            double dcg = 0, ideal = 0;
            var gains = new List<double>();
            for (var rank = 0; rank < n; rank++)
            {
                var p = order[rank].Position;
                if (l.Clicked[p])
                {
                    var gain = 1 / propensity[Math.Min(p, propensity.Length - 1)];
                    dcg += gain / Math.Log2(rank + 2);
                    gains.Add(gain);
                }
            }

            gains.Sort((a, b) => b.CompareTo(a));
            for (var i = 0; i < gains.Count; i++)
            {
                ideal += gains[i] / Math.Log2(i + 2);
            }

            total += ideal > 0 ? dcg / ideal : 0;
        }

        return lists.Count == 0 ? 0 : total / lists.Count;
    }

    /// <summary>Learns weights on 80 % of the lists (by position in the log, every fifth held out) and reports both sets' objective for the start and the learned weights.</summary>
    public static LearnedBlend Learn(IReadOnlyList<LoggedList> lists, BlendWeights start, int rounds = 3, IReadOnlyCollection<string>? fixedAtZero = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        ArgumentNullException.ThrowIfNull(start);
        var train = lists.Where((_, i) => i % 5 != 4).ToList();
        var held = lists.Where((_, i) => i % 5 == 4).ToList();
        var propensity = Propensities(train);
        var (weights, trainValue) = BlendSearch.Run(w => Objective(train, w, propensity), start, "learned:impressions", rounds, fixedAtZero);
        return new LearnedBlend(weights, train.Count, held.Count, Objective(train, start, propensity), trainValue, Objective(held, start, propensity), Objective(held, weights, propensity), propensity);
    }
}

/// <summary>Learned weights, the answers they were learned and checked on, and the objective before and after on each.</summary>
public sealed record LearnedBlend(BlendWeights Weights, int TrainLists, int HeldOutLists, double TrainStart, double TrainLearned, double HeldOutStart, double HeldOutLearned, double[] Propensity);
