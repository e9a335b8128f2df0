using Persona.Core.Catalog;
using Persona.Core.Events;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// Cross-domain cold start: how well a user's first interaction in a domain they have never touched is predicted,
/// from what they did in other domains (<c>cross_domain</c>) or from the target domain alone (<c>single_domain</c>,
/// its popularity: all a single-domain system knows of a user without history there). A domain is an item's
/// top-level category (an event's own <c>domain</c> field where it names one). Events are replayed in time order,
/// online: every ranking uses only what happened before the event it predicts. After the first
/// <see cref="WarmUpShare"/> of events, each user's first event in a new domain is evaluated once, when they have at
/// least <see cref="MinSourceItems"/> items in other domains.
/// <para>
/// The cross-domain scorer is item co-occurrence across domains: each user's events add, for every item among their
/// last <see cref="HistoryKept"/> in other domains, one count to the pair (that item, the new item). A candidate in
/// the target domain scores the sum of its counts with the user's history items, each over the square root of the
/// history item's popularity (so that best-sellers do not dominate); the target domain's popularity breaks ties and
/// fills the list. HR@10 and NDCG@10 of the true item, full ranking within its domain, with 95 % bootstrap intervals
/// over users of the difference.
/// </para>
/// </summary>
public static class CrossDomainProtocol
{
    public const double WarmUpShare = 0.3;
    public const int MinSourceItems = 2;
    public const int HistoryKept = 20;

    public static (SortedDictionary<string, double> Metrics, int Users) Run(IReadOnlyList<BehaviorEvent> events, IReadOnlyList<CatalogItem> catalog, int k, int seed)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(catalog);
        var itemDomain = catalog.Where(c => c.CategoryPath is { Count: > 0 }).ToDictionary(c => c.ItemId, c => c.CategoryPath![0], StringComparer.Ordinal);
        var ordered = events.Where(e => e.ItemId is not null && e.Type != (byte)EventType.Impression)
            .OrderBy(e => e.TimestampMs).ThenBy(e => e.EventId, StringComparer.Ordinal).ToList();
        var warmUp = (int)(ordered.Count * WarmUpShare);

        var popularity = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var itemCount = new Dictionary<string, int>(StringComparer.Ordinal);
        var pairs = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var users = new Dictionary<string, UserState>(StringComparer.Ordinal);
        var single = new List<(double Hit, double Ndcg)>();
        var cross = new List<(double Hit, double Ndcg)>();
        var domainsSeen = new HashSet<string>(StringComparer.Ordinal);

        for (var n = 0; n < ordered.Count; n++)
        {
            var e = ordered[n];
            var domain = e.Domain ?? itemDomain.GetValueOrDefault(e.ItemId!);
            if (domain is null)
            {
                continue;
            }

            domainsSeen.Add(domain);
            if (!users.TryGetValue(e.UserId, out var user))
            {
                users[e.UserId] = user = new UserState();
            }

            var item = e.ItemId!;
            if (n >= warmUp && !user.Evaluated && !user.Domains.Contains(domain) && user.History.Count >= MinSourceItems
                && popularity.TryGetValue(domain, out var inDomain) && inDomain.ContainsKey(item))
            {
                user.Evaluated = true;
                single.Add(Score(Rank(inDomain, null, k), item, k));
                cross.Add(Score(Rank(inDomain, CoScores(user, domain, pairs, itemCount, itemDomain), k), item, k));
            }

            foreach (var (past, pastDomain) in user.History)
            {
                if (pastDomain != domain)
                {
                    Increment(pairs, past, item);
                }
            }

            if (!popularity.TryGetValue(domain, out var counts))
            {
                popularity[domain] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            counts[item] = counts.GetValueOrDefault(item) + 1;
            itemCount[item] = itemCount.GetValueOrDefault(item) + 1;
            user.Domains.Add(domain);
            user.History.Add((item, domain));
            if (user.History.Count > HistoryKept)
            {
                user.History.RemoveAt(0);
            }
        }

        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["domains"] = domainsSeen.Count,
            ["users_evaluated"] = single.Count,
        };
        if (single.Count == 0)
        {
            return (metrics, 0);
        }

        Add(metrics, "single_domain", single, k);
        Add(metrics, "cross_domain", cross, k);
        var (hr, ndcg) = DifferenceIntervals(cross, single, seed);
        metrics[$"cross_minus_single.hr@{k}.ci95_low"] = hr.Low;
        metrics[$"cross_minus_single.hr@{k}.ci95_high"] = hr.High;
        metrics[$"cross_minus_single.ndcg@{k}.ci95_low"] = ndcg.Low;
        metrics[$"cross_minus_single.ndcg@{k}.ci95_high"] = ndcg.High;
        return (metrics, single.Count);
    }

    /// <summary>Co-occurrence scores of the target domain's items with the user's history in other domains.</summary>
    private static Dictionary<string, double> CoScores(
        UserState user, string domain, Dictionary<string, Dictionary<string, int>> pairs, Dictionary<string, int> itemCount, Dictionary<string, string> itemDomain)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (past, _) in user.History)
        {
            if (!pairs.TryGetValue(past, out var with))
            {
                continue;
            }

            var weight = 1 / Math.Sqrt(itemCount.GetValueOrDefault(past, 1));
            foreach (var (candidate, count) in with)
            {
                if (itemDomain.GetValueOrDefault(candidate) == domain)
                {
                    scores[candidate] = scores.GetValueOrDefault(candidate) + (count * weight);
                }
            }
        }

        return scores;
    }

    /// <summary>
    /// The domain's top k: by popularity alone, or with co-occurrence scores by the sum of both, each over its maximum
    /// in the domain (so a single shared user does not outrank a best-seller); then by id.
    /// </summary>
    private static List<string> Rank(Dictionary<string, int> popularity, Dictionary<string, double>? scores, int k)
    {
        var maxPopularity = (double)popularity.Values.Max();
        var maxScore = scores is { Count: > 0 } ? scores.Values.Max() : 1;
        return [.. popularity.Keys
            .OrderByDescending(i => (popularity[i] / maxPopularity) + ((scores?.GetValueOrDefault(i) ?? 0) / maxScore))
            .ThenBy(i => i, StringComparer.Ordinal)
            .Take(k)];
    }

    private static (double Hit, double Ndcg) Score(List<string> top, string truth, int k)
    {
        var rank = top.IndexOf(truth);
        return rank is < 0 || rank >= k ? (0, 0) : (1, 1 / Math.Log2(rank + 2));
    }

    private static void Increment(Dictionary<string, Dictionary<string, int>> pairs, string a, string b)
    {
        if (!pairs.TryGetValue(a, out var with))
        {
            pairs[a] = with = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        with[b] = with.GetValueOrDefault(b) + 1;
    }

    private static void Add(SortedDictionary<string, double> metrics, string name, List<(double Hit, double Ndcg)> scores, int k)
    {
        metrics[$"{name}.hr@{k}"] = Math.Round(scores.Average(s => s.Hit), 6);
        metrics[$"{name}.ndcg@{k}"] = Math.Round(scores.Average(s => s.Ndcg), 6);
    }

    /// <summary>95 % percentile bootstrap intervals over users of the mean difference, paired.</summary>
    private static (Interval Hr, Interval Ndcg) DifferenceIntervals(List<(double Hit, double Ndcg)> a, List<(double Hit, double Ndcg)> b, int seed)
    {
        var random = new Random(seed);
        var hr = new double[PairedBootstrap.Samples];
        var ndcg = new double[PairedBootstrap.Samples];
        for (var s = 0; s < hr.Length; s++)
        {
            double dh = 0, dn = 0;
            for (var i = 0; i < a.Count; i++)
            {
                var j = random.Next(a.Count);
                dh += a[j].Hit - b[j].Hit;
                dn += a[j].Ndcg - b[j].Ndcg;
            }

            (hr[s], ndcg[s]) = (dh / a.Count, dn / a.Count);
        }

        Array.Sort(hr);
        Array.Sort(ndcg);
        Interval Of(double[] v) => new(Math.Round(v[(int)(0.025 * (v.Length - 1))], 6), Math.Round(v[(int)Math.Ceiling(0.975 * (v.Length - 1))], 6));
        return (Of(hr), Of(ndcg));
    }

    private sealed class UserState
    {
        public HashSet<string> Domains { get; } = new(StringComparer.Ordinal);

        public List<(string Item, string Domain)> History { get; } = [];

        public bool Evaluated { get; set; }
    }
}
