using System.IO.Hashing;
using System.Text;

namespace Persona.Cluster.Grains;

/// <summary>
/// Which silo each partition belongs on, given the silos alive: a function of the set alone (every silo computes
/// the same table), balanced (no silo holds more than ⌈P/N⌉ partitions) and mostly stable. Each partition, in
/// order, goes to the silo that ranks highest for it (rendezvous hashing of partition and silo) among the silos not
/// yet full, so a silo's death or arrival moves its own share and few others.
/// </summary>
public static class PartitionAssignment
{
    /// <summary>For each of <paramref name="partitions"/> partitions, the silo (one of <paramref name="silos"/>) it belongs on.</summary>
    public static string[] Assign(int partitions, IReadOnlyCollection<string> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        ArgumentOutOfRangeException.ThrowIfNegative(partitions);
        if (silos.Count == 0)
        {
            throw new ArgumentException("at least one silo", nameof(silos));
        }

        var sorted = silos.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var capacity = (partitions + sorted.Length - 1) / sorted.Length;
        var held = new int[sorted.Length];
        var owners = new string[partitions];
        for (var p = 0; p < partitions; p++)
        {
            var best = -1;
            var bestScore = 0UL;
            for (var s = 0; s < sorted.Length; s++)
            {
                var score = Score(p, sorted[s]);
                if (held[s] < capacity && (best < 0 || score > bestScore))
                {
                    (best, bestScore) = (s, score);
                }
            }

            held[best]++;
            owners[p] = sorted[best];
        }

        return owners;
    }

    private static ulong Score(int partition, string silo)
    {
        var bytes = Encoding.UTF8.GetBytes($"{partition}/{silo}");
        return XxHash64.HashToUInt64(bytes);
    }
}
