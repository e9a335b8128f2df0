namespace Persona.Storage.RocksDb.Tests;

public sealed class DedupeIndexTests
{
    [Fact]
    public void Contains_AfterAddsAndRemovesWithCollidingFingerprints_MatchesAModel()
    {
        // Fingerprints drawn from a tiny space, so that ids share fingerprints and probe runs wrap and
        // interleave; every add, remove and lookup is checked against a plain list.
        var random = new Random(7);
        var index = new DedupeIndex();
        var model = new List<(ulong Fp, long Seq, string Id)>();
        var ids = new Dictionary<long, string>();
        var fps = new Dictionary<long, ulong>();
        long next = 1;
        for (var step = 0; step < 20_000; step++)
        {
            if (model.Count > 0 && random.Next(3) == 0)
            {
                var k = random.Next(model.Count);
                var (fp, seq, _) = model[k];
                index.Remove(fp, seq);
                model.RemoveAt(k);
            }
            else
            {
                var fp = (random.Next(2) == 0 ? 0UL : 1UL << 60) | (uint)random.Next(3_000);
                fps[next] = fp;
                var id = "e" + next;
                ids[next] = id;
                index.Add(fp, next);
                model.Add((fp, next, id));
                next++;
            }
        }

        Assert.Equal(model.Count, index.Count);
        var present = model.Select(m => m.Seq).ToHashSet();
        for (long seq = 1; seq < next; seq++)
        {
            Assert.Equal(present.Contains(seq), index.Contains(fps[seq], ids[seq], s => ids[s]));
        }

        foreach (var (fp, _, _) in model.Take(200))
        {
            Assert.False(index.Contains(fp, "absent", s => ids[s]));
        }
    }

    [Fact]
    public void Contains_RemovedId_IsFalseAndOthersStay()
    {
        var index = new DedupeIndex();
        var ids = new Dictionary<long, string> { [1] = "a", [2] = "b", [3] = "c" };
        index.Add("a", 1);
        index.Add("b", 2);
        index.Add("c", 3);

        index.Remove("b", 2);

        Assert.True(index.Contains("a", s => ids[s]));
        Assert.False(index.Contains("b", s => ids[s]));
        Assert.True(index.Contains("c", s => ids[s]));
        Assert.Equal(2, index.Count);
    }

    [Fact]
    public void Add_PositionZero_Throws()
    {
        var index = new DedupeIndex();

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add("a", 0));
    }
}
