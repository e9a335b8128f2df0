using Persona.Cluster.Grains;

namespace Persona.Cluster.Tests;

public sealed class PartitionAssignmentTests
{
    private static string[] Silos(int n) => [.. Enumerable.Range(0, n).Select(i => $"10.0.0.{i + 1}:11111@4242{i}")];

    [Theory]
    [InlineData(16, 1)]
    [InlineData(16, 2)]
    [InlineData(16, 3)]
    [InlineData(16, 5)]
    [InlineData(256, 7)]
    [InlineData(3, 5)]
    public void Assign_AnySilos_EveryPartitionPlacedAndNoSiloAboveItsShare(int partitions, int silos)
    {
        var owners = PartitionAssignment.Assign(partitions, Silos(silos));

        Assert.Equal(partitions, owners.Length);
        Assert.All(owners, o => Assert.Contains(o, Silos(silos)));
        Assert.True(owners.CountBy(o => o).Max(c => c.Value) <= (partitions + silos - 1) / silos);
    }

    [Fact]
    public void Assign_SilosInAnotherOrder_SameTable()
    {
        var silos = Silos(4);

        Assert.Equal(PartitionAssignment.Assign(16, silos), PartitionAssignment.Assign(16, [.. silos.Reverse()]));
    }

    [Fact]
    public void Assign_OneOfThreeSilosGone_ItsPartitionsMoveAndAtMostTwoOthers()
    {
        var silos = Silos(3);
        var before = PartitionAssignment.Assign(16, silos);
        var after = PartitionAssignment.Assign(16, silos[..2]);

        var movedFromSurvivors = Enumerable.Range(0, 16).Count(p => before[p] != silos[2] && before[p] != after[p]);
        Assert.DoesNotContain(silos[2], after);
        Assert.InRange(movedFromSurvivors, 0, 2);
    }
}
