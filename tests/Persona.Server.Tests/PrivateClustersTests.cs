using Persona.Core.Discovery;
using Persona.Serving.Privacy;

namespace Persona.Server.Tests;

public sealed class PrivateClustersTests
{
    // Two well-separated groups: 300 light users and 200 heavy ones.
    private static readonly List<ClusterPoint> Users =
    [
        .. Enumerable.Range(0, 300).Select(i => new ClusterPoint($"l{i}", [2 + (i % 3), 0, 0, 200 + (i % 10), 1, 0, 1, 0], null)),
        .. Enumerable.Range(0, 200).Select(i => new ClusterPoint($"h{i}", [2_000 + i, 40 + (i % 5), 5_000 + i, 1, 1.5, 0.3, 150, 0.2], null)),
    ];

    [Fact]
    public void Release_Epsilon_EveryCountAndSumOfEveryStepGetsScaleStepsTimesOnePlusDOverEpsilon()
    {
        var scales = new List<double>();

        PrivateClusters.Release(Users, k: 3, seed: 7, epsilon: 0.5, scale =>
        {
            scales.Add(scale);
            return 0;
        });

        var d = PrivateClusters.Ranges.Count;
        Assert.Equal(PrivateClusters.Iterations * 3 * (1 + d), scales.Count);
        Assert.All(scales, s => Assert.Equal(PrivateClusters.Iterations * (1 + d) / 0.5, s, 9));
    }

    [Fact]
    public void Release_NoNoise_SeparatedGroupsFoundWithTheirSizesAndMeans()
    {
        var clusters = PrivateClusters.Release(Users, k: 2, seed: 7, epsilon: 1, _ => 0);

        Assert.Equal([300L, 200L], clusters.Select(c => c.Size));
        Assert.InRange(clusters[0].Means["eventCount"], 2, 5);
        Assert.InRange(clusters[1].Means["eventCount"], 1_500, 2_500);
    }

    [Fact]
    public void Scale_ValuesBeyondTheFixedRanges_ClampedIntoTheUnitCube()
    {
        var x = PrivateClusters.Scale(new ClusterPoint("u", [1e9, -5, 1e12, 0, 7, 2, 0, -1], null));

        Assert.Equal([1, 0, 1, 0, 1, 1, 0, 0], x);
    }
}
