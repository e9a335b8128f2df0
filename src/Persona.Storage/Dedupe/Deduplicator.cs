using System.Globalization;
using System.Runtime.InteropServices;
using Persona.Core.Events;
using Persona.Storage.Log;

namespace Persona.Storage.Dedupe;

/// <summary>
/// Exactly-once admission of events: which records of a batch are new, which repeat an event already logged,
/// and which are too old to tell. Deduplication is exact within a horizon measured in event time behind the
/// watermark (the newest event time accepted): a re-sent event (same id, same timestamp) is recognised however
/// late it comes, as long as its timestamp is within the horizon; an older event is refused with that reason
/// instead of being counted a second time.
/// </summary>
/// <remarks>
/// The index holds the events logged since the cut, a log position chosen with <see cref="LogMarks"/>: every
/// event logged at or before the cut is older than the floor, so dropping its entry loses nothing the floor
/// does not already refuse. The cut follows the horizon; when the index would outgrow its byte budget it is
/// raised further, and the floor with it (the effective horizon shrinks, and <see cref="FloorMs"/> says to what).
/// </remarks>
internal sealed class Deduplicator
{
    private readonly TimeSpan _horizon;
    private readonly long _budgetBytes;
    private readonly Func<long, string?> _idAt;
    private long _watermarkMs = long.MinValue;
    private long _budgetFloorMs = long.MinValue;
    private bool _recovering;

    /// <param name="horizon">Events older than this behind the watermark are refused (zero: no horizon).</param>
    /// <param name="budgetBytes">Bytes of the in-memory index.</param>
    /// <param name="idAt">The id of the event logged at a position (null when there is none).</param>
    /// <param name="backend">Where the index spills its oldest entries; null: nowhere (the horizon shrinks instead).</param>
    /// <param name="failed">Called when writing a spill fails.</param>
    public Deduplicator(TimeSpan horizon, long budgetBytes, Func<long, string?> idAt, Backend.IStoreBackend? backend = null, Action<Exception>? failed = null)
    {
        _horizon = horizon;
        _budgetBytes = budgetBytes;
        _idAt = idAt;
        Cold = backend is null ? null : new ColdIds(backend, idAt, () => FloorMs, failed ?? (_ => { }));
        Index = new DedupeIndex(budgetBytes);
    }

    /// <summary>The in-memory index: the events logged since its cut.</summary>
    public DedupeIndex Index { get; }

    /// <summary>The part on disk, where the in-memory index spills its oldest entries (null: none, the horizon shrinks instead).</summary>
    public ColdIds? Cold { get; }

    /// <summary>The cut the horizon alone allows: every event logged at or before it is older than the floor.</summary>
    public long HorizonCut { get; private set; }

    public LogMarks Marks { get; } = new();

    /// <summary>The newest event time accepted (Unix ms); <see cref="long.MinValue"/> before the first.</summary>
    public long WatermarkMs => Interlocked.Read(ref _watermarkMs);

    /// <summary>Events with an older timestamp (Unix ms) are refused.</summary>
    public long FloorMs => Math.Max(HorizonFloorMs, Interlocked.Read(ref _budgetFloorMs));

    /// <summary>The floor the horizon alone sets (a budget may raise the floor further).</summary>
    public long HorizonFloorMs
    {
        get
        {
            var w = WatermarkMs;
            return _horizon > TimeSpan.Zero && w != long.MinValue ? w - (long)_horizon.TotalMilliseconds : long.MinValue;
        }
    }

    /// <summary>
    /// Marks each record of <paramref name="input"/> as a duplicate (its id is logged already, or repeats an
    /// earlier record of the batch) or too old (<see cref="FloorMs"/>); fills each record's fingerprint. Runs
    /// on every core by fingerprint shard: an id and its repeats in the batch meet in one shard.
    /// </summary>
    public void Classify(IReadOnlyList<(int Index, BehaviorEvent Record)> input, ulong[] fingerprints, bool[] duplicate, bool[] tooOld)
    {
        var partitions = Partitions.For(input.Count);
        var floor = FloorMs;
        var earlierSame = new int[input.Count];
        Partitions.ForEach(partitions, p =>
        {
            var (lo, hi) = Partitions.Slice(input.Count, partitions, p);
            for (var i = lo; i < hi; i++)
            {
                fingerprints[i] = DedupeIndex.Fingerprint(input[i].Record.EventId);
                tooOld[i] = input[i].Record.TimestampMs < floor;
            }
        });
        Partitions.ForEach(partitions, p =>
        {
            // Repeats within the batch: the latest earlier index with the same fingerprint, chained through
            // earlierSame, and compared by id (a shared fingerprint alone proves nothing).
            var latest = new Dictionary<ulong, int>(input.Count / partitions);
            for (var i = 0; i < input.Count; i++)
            {
                var fp = fingerprints[i];
                if (DedupeIndex.ShardOf(fp) % partitions != p || tooOld[i])
                {
                    continue;
                }

                var e = input[i].Record;
                ref var head = ref CollectionsMarshal.GetValueRefOrAddDefault(latest, fp, out var exists);
                var repeat = false;
                if (exists)
                {
                    for (var j = head; j >= 0 && !repeat; j = earlierSame[j])
                    {
                        repeat = input[j].Record.EventId == e.EventId;
                    }
                }

                earlierSame[i] = exists ? head : -1;
                head = i;
                duplicate[i] = repeat || Index.Contains(fp, e.EventId, _idAt) || (Cold is { } cold && cold.MayHold(e.TimestampMs) && cold.Contains(fp, e.EventId, e.TimestampMs));
            }
        });
    }

    /// <summary>Why an event older than <see cref="FloorMs"/> is refused, as a field error.</summary>
    public string TooOldReason(long timestampMs)
    {
        var w = DateTimeOffset.FromUnixTimeMilliseconds(WatermarkMs);
        var ts = DateTimeOffset.FromUnixTimeMilliseconds(timestampMs).ToString("O", CultureInfo.InvariantCulture);
        var budgetBinds = Interlocked.Read(ref _budgetFloorMs) > (_horizon > TimeSpan.Zero ? WatermarkMs - (long)_horizon.TotalMilliseconds : long.MinValue);
        var effective = TimeSpan.FromMilliseconds(WatermarkMs - FloorMs);
        return budgetBinds
            ? $"timestamp: {ts} is older than the deduplication horizon, which the index's memory budget ({_budgetBytes >> 20} MiB) has shortened to {effective.TotalHours:0.##} hours before the newest event ({w:O}); an event this late cannot be checked for duplicates"
            : $"timestamp: {ts} is older than the deduplication horizon ({_horizon.TotalDays:0.##} days before the newest event, {w:O}); an event this late cannot be checked for duplicates";
    }

    /// <summary>
    /// Learns a logged batch: its events' fingerprints at their positions, the watermark after it, and a mark at
    /// its end; then moves the cut (and the floor) as the horizon and the budget require.
    /// </summary>
    public void Accept(IReadOnlyList<long> seqs, IReadOnlyList<ulong> fingerprints, long batchWatermarkMs, long lastSeq)
    {
        Advance(batchWatermarkMs, lastSeq); // lastSeq counts the batch already
        var partitions = Partitions.For(seqs.Count);
        var failed = new List<int>[partitions];
        Partitions.ForEach(partitions, p =>
        {
            for (var i = 0; i < seqs.Count; i++)
            {
                if (DedupeIndex.ShardOf(fingerprints[i]) % partitions == p && !Index.TryAdd(fingerprints[i], seqs[i]))
                {
                    (failed[p] ??= []).Add(i);
                }
            }
        });
        foreach (var i in failed.Where(f => f is not null).SelectMany(f => f))
        {
            AddOrRaise(fingerprints[i], seqs[i], lastSeq);
        }

        MaybeSpill(lastSeq);
    }

    /// <summary>Learns one logged event while the log is scanned on open (in log order).</summary>
    public void Recover(ulong fingerprint, long seq, long timestampMs)
    {
        if (seq > Index.Cut)
        {
            AddOrRaise(fingerprint, seq, seq);
        }

        if (timestampMs > _watermarkMs)
        {
            Interlocked.Exchange(ref _watermarkMs, timestampMs);
        }
    }

    /// <summary>Restores the watermark, the marks and the cut read back on open, before the scan; <see cref="Recovered"/> ends the recovery.</summary>
    public void Restore(long watermarkMs, IEnumerable<(long Seq, long WatermarkMs)> marks, long lastSeq)
    {
        _recovering = true;
        if (Cold is { } cold && cold.FloorMs > Interlocked.Read(ref _budgetFloorMs))
        {
            Interlocked.Exchange(ref _budgetFloorMs, cold.FloorMs); // a floor a budget raised before the restart holds on
        }

        foreach (var (seq, w) in marks)
        {
            Marks.Add(seq, w);
        }

        if (watermarkMs > _watermarkMs)
        {
            Interlocked.Exchange(ref _watermarkMs, watermarkMs);
        }

        Raise(lastSeq);
    }

    /// <summary>The log has been read on open: the index is whole, and may spill from now on.</summary>
    public void Recovered() => _recovering = false;

    /// <summary>Records a mark at <paramref name="seq"/> (a catalog change, a replay chunk's end) and moves the cut.</summary>
    public void Mark(long seq)
    {
        Advance(WatermarkMs, seq);
        MaybeSpill(seq);
    }

    private void Advance(long batchWatermarkMs, long lastSeq)
    {
        if (batchWatermarkMs > _watermarkMs)
        {
            Interlocked.Exchange(ref _watermarkMs, batchWatermarkMs);
        }

        if (_watermarkMs != long.MinValue)
        {
            Marks.Add(lastSeq, _watermarkMs);
        }

        Raise(lastSeq);
    }

    /// <summary>
    /// Moves the cut to what the horizon allows and past what has been spilled to disk; when the entries through
    /// <paramref name="lastSeq"/> pass nine tenths of the budget it finishes and waits for a spill in flight, and
    /// without one raises the floor instead.
    /// </summary>
    private void Raise(long lastSeq)
    {
        if (_horizon > TimeSpan.Zero && _watermarkMs != long.MinValue)
        {
            HorizonCut = Marks.LastBelow(_watermarkMs - (long)_horizon.TotalMilliseconds);
            Index.Cut = HorizonCut;
        }

        if (Cold is { } cold)
        {
            TakeSpill(cold, wait: false);
            if (lastSeq - Index.Cut > Index.Capacity * 9 / 10 && cold.Spilling)
            {
                cold.CollectRest(Index, Index.Cut, BucketOf);
                TakeSpill(cold, wait: true);
            }
        }

        if (lastSeq - Index.Cut > Index.Capacity * 9 / 10)
        {
            RaiseForBudget(lastSeq - (Index.Capacity * 3 / 4));
        }
    }

    /// <summary>
    /// Spilling, one shard per call: once the entries through <paramref name="lastSeq"/> (all of them in the
    /// index) fill three quarters of the budget, a spill of the oldest quarter begins (through the first mark
    /// after it), and each later batch collects one more shard of it; the cut passes them once they are all
    /// written. Not while recovering: the index is not whole yet.
    /// </summary>
    private void MaybeSpill(long lastSeq)
    {
        if (Cold is not { } cold || _recovering)
        {
            return;
        }

        TakeSpill(cold, wait: false);
        if (!cold.Spilling)
        {
            if (lastSeq - Index.Cut <= Index.Capacity * 3 / 4
                || Marks.FirstAtOrAfter(Math.Max(lastSeq - (Index.Capacity / 2), Index.Cut + 1)) is not { } through || through.Seq > lastSeq)
            {
                return;
            }

            cold.Begin(through.Seq, through.WatermarkMs);
        }

        cold.CollectNext(Index, Index.Cut, BucketOf);
    }

    /// <summary>Takes in a spill that is written: the cut passes it, and buckets behind the horizon go.</summary>
    private void TakeSpill(ColdIds cold, bool wait)
    {
        cold.Complete(wait);
        Index.Cut = cold.Through;
        cold.Expire(HorizonFloorMs);
    }

    /// <summary>The bucket a spilled entry at <paramref name="seq"/> is filed under: the day of the first mark at or after it (<see cref="ColdIds"/> caps it at the spill's own day).</summary>
    private int BucketOf(long seq) => ColdIds.Bucket(Marks.FirstAtOrAfter(seq)?.WatermarkMs ?? _watermarkMs);

    /// <summary>Raises the cut to the first mark at or after <paramref name="seq"/>, and the floor past that mark's watermark.</summary>
    private void RaiseForBudget(long seq)
    {
        if (Marks.FirstAtOrAfter(Math.Max(seq, Index.Cut + 1)) is not { } mark)
        {
            return;
        }

        Index.Cut = mark.Seq;
        if (mark.WatermarkMs + 1 > Interlocked.Read(ref _budgetFloorMs))
        {
            Interlocked.Exchange(ref _budgetFloorMs, mark.WatermarkMs + 1);
        }
    }

    private void AddOrRaise(ulong fingerprint, long seq, long lastSeq)
    {
        while (!Index.TryAdd(fingerprint, seq))
        {
            // A shard is full of live entries: halve the window it covers.
            var before = Index.Cut;
            RaiseForBudget(Index.Cut + ((lastSeq - Index.Cut) / 2));
            if (Index.Cut == before)
            {
                throw new InvalidOperationException("the deduplication index is full and its cut cannot move: the byte budget is too small for one batch");
            }
        }
    }
}
