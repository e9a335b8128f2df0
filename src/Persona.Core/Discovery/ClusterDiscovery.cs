namespace Persona.Core.Discovery;

/// <summary>
/// Clusters users over standardized profile features: counts and amounts as log(1 + x), every feature z-scored,
/// then seeded k-means++ (<see cref="KMeans"/>). Points are taken in ordinal user-id order, so the result depends
/// only on the users' features, k and the seed. Clusters are numbered by size, largest first (ties by the
/// smallest member id).
/// </summary>
public static class ClusterDiscovery
{
    public static IReadOnlyList<ClusterSummary> Run(IReadOnlyList<ClusterPoint> users, int k, int seed, out IReadOnlyDictionary<string, int> assignment)
    {
        ArgumentNullException.ThrowIfNull(users);
        var ordered = users.OrderBy(u => u.UserId, StringComparer.Ordinal).ToList();
        var space = KMeans.Standardize([.. ordered.Select(u => u.Features.Select((x, j) => ClusterPoint.Logged[j] ? Math.Log(1 + Math.Max(0, x)) : x).ToArray())]);
        var fit = KMeans.Fit(space, k, seed);
        var groups = Enumerable.Range(0, k)
            .Select(c => Enumerable.Range(0, ordered.Count).Where(i => fit.Assignments[i] == c).Select(i => ordered[i]).ToList())
            .Where(g => g.Count > 0)
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g[0].UserId, StringComparer.Ordinal)
            .ToList();
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var summaries = new List<ClusterSummary>(groups.Count);
        for (var c = 0; c < groups.Count; c++)
        {
            var g = groups[c];
            foreach (var u in g)
            {
                map[u.UserId] = c;
            }

            var means = ClusterPoint.FeatureNames.Select((name, j) => (name, mean: g.Average(u => u.Features[j])))
                .ToDictionary(x => x.name, x => Math.Round(x.mean, 4), StringComparer.Ordinal);
            var top = g.Where(u => u.TopCategory is not null)
                .GroupBy(u => u.TopCategory!, StringComparer.Ordinal)
                .Select(x => new CategoryCount(x.Key, x.Count()))
                .OrderByDescending(x => x.Users)
                .ThenBy(x => x.Category, StringComparer.Ordinal)
                .Take(3)
                .ToList();
            summaries.Add(new ClusterSummary(c, g.Count, means, top));
        }

        assignment = map;
        return summaries;
    }
}
