using Persona.Core.Events;
using Persona.Storage.Dedupe;
using Persona.Storage.Log;

namespace Persona.Storage.RocksDb.Tests;

public sealed class SpilledIdsTests : IDisposable
{
    private static readonly long Start = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private readonly RocksDbStoreUnderTest _store = new();

    [Fact]
    public void Classify_ResentIdsOfASpillWhoseMarkWasThinnedWhileCollected_AllDuplicates()
    {
        // A 1 MiB index (45,875 ids) spills once 34,407 are logged, through the first mark at or after 22,937
        // back. Events 1..30,317 come in one batch over days 0-8: its mark is the spill's, at the head of the marks.
        // The rest come one a batch from day 10 on, so that the 4,097th mark arrives while the spill is collected
        // (one index shard a batch) and the thinning drops the spill's mark: the next mark is on day 10.
        using var backend = _store.OpenBackend(new DurableStoreOptions());
        var ids = new Dictionary<long, string>();
        var times = new Dictionary<long, long>();
        var dedupe = new Deduplicator(TimeSpan.FromDays(30), 1 << 20, seq => ids.GetValueOrDefault(seq), backend);
        const long spillMark = 30_317;
        Accept(dedupe, ids, times, 1, spillMark, seq => Start + (seq * 25_000));
        for (var seq = spillMark + 1; seq <= spillMark + LogMarks.MaxMarks + 20; seq++)
        {
            Accept(dedupe, ids, times, seq, seq, s => Start + TimeSpan.FromDays(10).Ticks / TimeSpan.TicksPerMillisecond + ((s - spillMark) * 1_000));
        }

        Assert.DoesNotContain(dedupe.Marks.All, m => m.Seq == spillMark);
        dedupe.Cold!.Complete(wait: true);
        var next = spillMark + LogMarks.MaxMarks + 21;
        Accept(dedupe, ids, times, next, next, _ => times[next - 1] + 1_000); // the spill is in: the index drops its ids
        Assert.Equal((spillMark, spillMark), (dedupe.Cold.Through, dedupe.Index.Cut));

        var resent = ids.Where(p => p.Key <= spillMark).Select(p => (0, new BehaviorEvent { EventId = p.Value, UserId = "u", Type = (byte)EventType.Search, TimestampMs = times[p.Key] })).ToList();
        var duplicate = new bool[resent.Count];
        var tooOld = new bool[resent.Count];
        dedupe.Classify(resent, new ulong[resent.Count], duplicate, tooOld);
        Assert.Equal((30_317, 0), (duplicate.Count(d => d), tooOld.Count(t => t)));
    }

    public void Dispose() => _store.Dispose();

    /// <summary>Logs events <paramref name="from"/>..<paramref name="to"/> (ids e1, e2, ...) as one batch, at the times <paramref name="timeOf"/> gives.</summary>
    private static void Accept(Deduplicator dedupe, Dictionary<long, string> ids, Dictionary<long, long> times, long from, long to, Func<long, long> timeOf)
    {
        var seqs = new List<long>();
        var fingerprints = new List<ulong>();
        for (var seq = from; seq <= to; seq++)
        {
            ids[seq] = "e" + seq;
            times[seq] = timeOf(seq);
            seqs.Add(seq);
            fingerprints.Add(DedupeIndex.Fingerprint(ids[seq]));
        }

        dedupe.Accept(seqs, fingerprints, times[to], to);
    }
}
