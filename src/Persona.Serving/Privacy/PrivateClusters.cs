using Persona.Core.Discovery;

namespace Persona.Serving.Privacy;

/// <summary>
/// k-means cluster summaries with ε-differential privacy (DP-Lloyd, after Blum, Dwork, McSherry and Nissim's SuLQ
/// framework). Exact k-means reads every user at every step, so one user can move every centroid: its output has
/// no small sensitivity. Here each feature is clamped to a range fixed without the data and scaled to [0, 1]. Each of
/// <see cref="Iterations"/> steps groups the users, then releases per group the member count and the sum of each
/// feature with Laplace noise: the first step groups them by fixed bands of activity (k equal bands of the scaled event
/// count), which starts the centroids where users are; the others are Lloyd steps (nearest centroid). One user is in one cluster and adds
/// at most 1 to its count and at most 1 to each of the d feature sums, so a step has L1 sensitivity 1 + d and gets
/// noise of scale (1 + d)/(ε/T); the T steps compose to ε. The next centroids are the noisy sums over the noisy counts
/// (a cluster whose noisy count is below 1 keeps its centroid),
/// and the summary released is the last step's: noisy sizes and the centroids in the features' own units. The top
/// categories of the exact summary are not released.
/// </summary>
public static class PrivateClusters
{
    /// <summary>Noisy steps, each spending ε/<see cref="Iterations"/>: the first starts the centroids, the rest are Lloyd steps.</summary>
    public const int Iterations = 6;

    /// <summary>
    /// Each feature's clamp range, fixed without the data (in <see cref="ClusterPoint.FeatureNames"/> order): counts and
    /// amounts on a log(1 + x) scale up to 10,000 events, 1,000 purchases, 1,000,000 spent, 3,650 days, 10,000 sessions;
    /// price level 0..3; rates 0..1.
    /// </summary>
    public static IReadOnlyList<(double Low, double High, bool Logged)> Ranges { get; } =
    [
        (0, Math.Log(1 + 10_000), true),
        (0, Math.Log(1 + 1_000), true),
        (0, Math.Log(1 + 1_000_000), true),
        (0, Math.Log(1 + 3_650), true),
        (0, 3, false),
        (0, 1, false),
        (0, Math.Log(1 + 10_000), true),
        (0, 1, false),
    ];

    /// <summary>The L1 sensitivity of one Lloyd step: a count and d feature sums.</summary>
    public static int StepSensitivity => 1 + Ranges.Count;

    /// <summary>The clusters' noisy sizes and centroids (raw units, keyed by feature name), largest first, from <paramref name="noise"/> (a Laplace sample of the given scale).</summary>
    public static IReadOnlyList<PrivateCluster> Release(IReadOnlyList<ClusterPoint> users, int k, int seed, double epsilon, Func<double, double> noise)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        var d = Ranges.Count;
        var points = users.Select(Scale).ToList();
        var rng = new Random(seed);
        // Where a cluster with no members stays: spread along the cube's diagonal, jittered by the seed (no data read).
        var centroids = Enumerable.Range(0, k).Select(j => Enumerable.Range(0, d).Select(_ => Math.Clamp(((j + 0.5) / k) + ((rng.NextDouble() - 0.5) / (2 * k)), 0, 1)).ToArray()).ToArray();
        var scale = StepSensitivity / (epsilon / Iterations);
        var sizes = new double[k];
        for (var step = 0; step < Iterations; step++)
        {
            var sums = new double[k, d];
            var counts = new double[k];
            foreach (var x in points)
            {
                // The first step groups users by fixed bands of activity (the first feature) to start the centroids.
                var j = step == 0 ? Math.Min(k - 1, (int)(x[0] * k)) : Nearest(centroids, x);
                counts[j]++;
                for (var f = 0; f < d; f++)
                {
                    sums[j, f] += x[f];
                }
            }

            for (var j = 0; j < k; j++)
            {
                sizes[j] = counts[j] + noise(scale);
                var size = sizes[j];
                for (var f = 0; f < d; f++)
                {
                    var sum = sums[j, f] + noise(scale);
                    if (size >= 1)
                    {
                        centroids[j][f] = Math.Clamp(sum / size, 0, 1); // a cluster (nearly) empty keeps its centroid
                    }
                }
            }
        }

        return [.. Enumerable.Range(0, k)
            .Select(j => new PrivateCluster(j, Math.Max(0, (long)Math.Round(sizes[j])), Unscale(centroids[j])))
            .OrderByDescending(c => c.Size)
            .ThenBy(c => c.Cluster)];
    }

    /// <summary>A user's features clamped to their ranges and scaled to [0, 1].</summary>
    public static double[] Scale(ClusterPoint user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var x = new double[Ranges.Count];
        for (var f = 0; f < x.Length; f++)
        {
            var (low, high, logged) = Ranges[f];
            var v = logged ? Math.Log(1 + Math.Max(0, user.Features[f])) : user.Features[f];
            x[f] = (Math.Clamp(v, low, high) - low) / (high - low);
        }

        return x;
    }

    private static Dictionary<string, double> Unscale(double[] centroid)
    {
        var means = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var f = 0; f < centroid.Length; f++)
        {
            var (low, high, logged) = Ranges[f];
            var v = low + (centroid[f] * (high - low));
            means[ClusterPoint.FeatureNames[f]] = Math.Round(logged ? Math.Exp(v) - 1 : v, 4);
        }

        return means;
    }

    private static int Nearest(double[][] centroids, double[] x)
    {
        var best = 0;
        var bestDistance = double.MaxValue;
        for (var j = 0; j < centroids.Length; j++)
        {
            var distance = 0.0;
            for (var f = 0; f < x.Length; f++)
            {
                var delta = centroids[j][f] - x[f];
                distance += delta * delta;
            }

            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = j;
            }
        }

        return best;
    }
}

/// <summary>One cluster of a private release: its noisy size and its centroid in the features' own units.</summary>
public sealed record PrivateCluster(int Cluster, long Size, IReadOnlyDictionary<string, double> Means);
