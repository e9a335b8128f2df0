namespace Persona.Core.Discovery;

/// <summary>
/// Lloyd's k-means with k-means++ seeding from a seeded generator: the same points, k and seed always give the
/// same clustering. Ties go to the lower cluster index; a cluster left empty takes the point farthest from its
/// centroid, so every cluster keeps at least one point while there are at least k distinct points.
/// </summary>
public static class KMeans
{
    public static KMeansResult Fit(IReadOnlyList<double[]> points, int k, int seed, int maxIterations = 100)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, points.Count);
        var rng = new Random(seed);
        var centroids = SeedPlusPlus(points, k, rng);
        var assignments = new int[points.Count];
        Array.Fill(assignments, -1);
        var iterations = 0;
        while (iterations < maxIterations)
        {
            iterations++;
            var changed = false;
            for (var i = 0; i < points.Count; i++)
            {
                var best = Nearest(points[i], centroids);
                if (best != assignments[i])
                {
                    assignments[i] = best;
                    changed = true;
                }
            }

            if (!changed)
            {
                break;
            }

            centroids = Update(points, assignments, centroids);
        }

        var inertia = 0.0;
        for (var i = 0; i < points.Count; i++)
        {
            inertia += Distance2(points[i], centroids[assignments[i]]);
        }

        return new KMeansResult(assignments, centroids, iterations, inertia);
    }

    /// <summary>Each column as z-scores (mean 0, standard deviation 1; a constant column becomes 0).</summary>
    public static double[][] Standardize(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return [];
        }

        var width = rows[0].Length;
        var mean = new double[width];
        var sd = new double[width];
        for (var j = 0; j < width; j++)
        {
            mean[j] = rows.Average(r => r[j]);
            sd[j] = Math.Sqrt(rows.Average(r => (r[j] - mean[j]) * (r[j] - mean[j])));
        }

        return [.. rows.Select(r => Enumerable.Range(0, width).Select(j => sd[j] > 0 ? (r[j] - mean[j]) / sd[j] : 0).ToArray())];
    }

    private static double[][] SeedPlusPlus(IReadOnlyList<double[]> points, int k, Random rng)
    {
        var centroids = new List<double[]> { (double[])points[rng.Next(points.Count)].Clone() };
        var nearest = points.Select(p => Distance2(p, centroids[0])).ToArray();
        while (centroids.Count < k)
        {
            var total = nearest.Sum();
            int pick;
            if (total <= 0)
            {
                pick = rng.Next(points.Count); // every point sits on a centroid already
            }
            else
            {
                var target = rng.NextDouble() * total;
                pick = points.Count - 1;
                for (var i = 0; i < points.Count; i++)
                {
                    target -= nearest[i];
                    if (target < 0)
                    {
                        pick = i;
                        break;
                    }
                }
            }

            var chosen = (double[])points[pick].Clone();
            centroids.Add(chosen);
            for (var i = 0; i < points.Count; i++)
            {
                nearest[i] = Math.Min(nearest[i], Distance2(points[i], chosen));
            }
        }

        return [.. centroids];
    }

    private static double[][] Update(IReadOnlyList<double[]> points, int[] assignments, double[][] previous)
    {
        var k = previous.Length;
        var width = points[0].Length;
        var sums = new double[k][];
        var counts = new int[k];
        for (var c = 0; c < k; c++)
        {
            sums[c] = new double[width];
        }

        for (var i = 0; i < points.Count; i++)
        {
            var c = assignments[i];
            counts[c]++;
            for (var j = 0; j < width; j++)
            {
                sums[c][j] += points[i][j];
            }
        }

        for (var c = 0; c < k; c++)
        {
            if (counts[c] > 0)
            {
                for (var j = 0; j < width; j++)
                {
                    sums[c][j] /= counts[c];
                }

                continue;
            }

            // An empty cluster restarts at the point farthest from its own centroid.
            var far = 0;
            var farDistance = -1.0;
            for (var i = 0; i < points.Count; i++)
            {
                var d = Distance2(points[i], previous[assignments[i]]);
                if (d > farDistance)
                {
                    far = i;
                    farDistance = d;
                }
            }

            sums[c] = (double[])points[far].Clone();
        }

        return sums;
    }

    private static int Nearest(double[] point, double[][] centroids)
    {
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var c = 0; c < centroids.Length; c++)
        {
            var d = Distance2(point, centroids[c]);
            if (d < bestDistance)
            {
                best = c;
                bestDistance = d;
            }
        }

        return best;
    }

    private static double Distance2(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            var d = a[j] - b[j];
            sum += d * d;
        }

        return sum;
    }
}
