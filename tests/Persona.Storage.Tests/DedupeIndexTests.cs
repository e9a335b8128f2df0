using System.Text;
using Persona.Storage.Dedupe;

namespace Persona.Storage.Tests;

public sealed class DedupeIndexTests
{
    [Fact]
    public void Contains_AfterAddsAndCutsWithCollidingFingerprints_MatchesAModel()
    {
        // Fingerprints drawn from a tiny space, so that ids share fingerprints and probe runs wrap and
        // interleave; the cut moves now and then, and every lookup is checked against a plain list.
        var random = new Random(7);
        var index = new DedupeIndex(1 << 20);
        var ids = new Dictionary<long, string>();
        var fps = new Dictionary<long, ulong>();
        long next = 1;
        for (var step = 0; step < 20_000; step++)
        {
            if (random.Next(500) == 0)
            {
                index.Cut = next - random.Next(1, 2_000);
            }

            var fp = (random.Next(2) == 0 ? 0UL : 1UL << 60) | (uint)random.Next(3_000);
            fps[next] = fp;
            ids[next] = "e" + next;
            Assert.True(index.TryAdd(fp, next));
            next++;
        }

        for (long seq = 1; seq < next; seq++)
        {
            Assert.Equal(seq > index.Cut, index.Contains(fps[seq], ids[seq], s => ids[s]));
        }

        foreach (var seq in Enumerable.Range(1, 200))
        {
            Assert.False(index.Contains(fps[seq], "absent", s => ids[s]));
        }
    }

    [Fact]
    public void TryAdd_BeyondTheBudget_FalseUntilTheCutMoves()
    {
        var index = new DedupeIndex(1 << 20); // 65,536 slots: 16 shards of 4,096
        var ids = new Dictionary<long, string>();
        long seq = 0;
        while (true)
        {
            var id = "e" + (++seq);
            ids[seq] = id;
            if (!index.TryAdd(id, seq))
            {
                break;
            }
        }

        Assert.InRange(seq, index.Capacity / 2, index.Capacity + 1);
        Assert.Equal(1 << 20, index.Bytes);
        index.Cut = seq / 2;
        Assert.True(index.TryAdd(ids[seq], seq));
        Assert.True(index.Contains(ids[seq], s => ids[s]));
        Assert.False(index.Contains(ids[1], s => ids[s]));
        Assert.True(index.Contains(ids[seq - 1], s => ids[s]));
        Assert.True(index.Bytes <= 1 << 20);
    }

    [Fact]
    public void Cut_Lowered_StaysWhereItWas()
    {
        var index = new DedupeIndex(1 << 20) { Cut = 10 };
        index.Cut = 5;
        Assert.Equal(10, index.Cut);
    }

    [Fact]
    public void Fingerprint_OfUtf8Bytes_EqualsTheFingerprintOfTheString()
    {
        foreach (var id in new[] { "e1", "ユーザー-イベント", new string('x', 300), string.Empty })
        {
            Assert.Equal(DedupeIndex.Fingerprint(id), DedupeIndex.Fingerprint(Encoding.UTF8.GetBytes(id)));
        }
    }

    [Fact]
    public void TryAdd_PositionZero_Throws()
    {
        var index = new DedupeIndex(1 << 20);

        Assert.Throws<ArgumentOutOfRangeException>(() => index.TryAdd("a", 0));
    }
}
