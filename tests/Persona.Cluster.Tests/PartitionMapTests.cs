namespace Persona.Cluster.Tests;

public sealed class PartitionMapTests
{
    [Fact]
    public void Of_SameUser_SamePartitionOnEveryMapAndRun()
    {
        var a = new PartitionMap(16);
        var b = new PartitionMap(16);

        Assert.All(Enumerable.Range(0, 1_000).Select(i => $"u{i}"), u => Assert.Equal(a.Of(u), b.Of(u)));
        // XxHash32 of the UTF-8 bytes, seed 0: fixed across processes and machines (a silo must agree with every other).
        Assert.Equal((int)(System.IO.Hashing.XxHash32.HashToUInt32("u1"u8) % 16), a.Of("u1"));
    }

    [Fact]
    public void Of_ManyUsers_EveryPartitionGetsAFairShare()
    {
        var map = new PartitionMap(8);
        var counts = new int[8];
        foreach (var i in Enumerable.Range(0, 80_000))
        {
            counts[map.Of($"user-{i}")]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_000, 11_000));
    }

    [Fact]
    public void Of_LongUserId_Hashed()
    {
        var id = new string('x', 1_000);
        Assert.Equal((int)(System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(id)) % 5), new PartitionMap(5).Of(id));
    }
}
