using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Serialization;
using Persona.Storage.Cache;

namespace Persona.Storage.Apply;

/// <summary>
/// Applies a batch of logged events to their profiles, in two steps. <see cref="Compute"/>: users are
/// independent, so with several cores the events are split by user into partitions applied in parallel, each in
/// log order; each touched profile is decoded once, given all of its events and encoded into the partition's
/// buffer. Nothing is visible yet. <see cref="Publish"/>: the new encodings replace the cached ones. The store
/// publishes only once the batch's log write is durable, so neither a reader nor a checkpoint ever sees a
/// profile that reflects an event the log might not have.
/// </summary>
internal sealed class BatchApplier
{
    private readonly ProfileEngine _engine;
    private readonly CatalogIndex _catalog;

    // Reused across batches (the store applies one batch at a time).
    private readonly List<BinaryWriterBuffer> _buffers = [];

    /// <summary>One state per partition that each touched profile of a batch is decoded into in turn.</summary>
    private readonly List<ProfileState> _scratch = [];
    private readonly List<List<(CachedProfile Entry, int End)>> _pending = [];
    private long _batchNumber;
    private int _partitions;

    public BatchApplier(ProfileEngine engine, CatalogIndex catalog)
    {
        _engine = engine;
        _catalog = catalog;
    }

    /// <summary>
    /// Applies <paramref name="batch"/>[i] to the profile of <paramref name="entries"/>[i], partitioned by
    /// <paramref name="partition"/>, into buffers; <see cref="Publish"/> makes the result visible.
    /// </summary>
    public void Compute(IReadOnlyList<(long Seq, BehaviorEvent Event)> batch, CachedProfile[] entries, int[] partition, int partitions)
    {
        while (_buffers.Count < partitions)
        {
            _buffers.Add(new BinaryWriterBuffer(4 * 1024));
            _scratch.Add(new ProfileState(string.Empty));
            _pending.Add([]);
        }

        _partitions = partitions;
        var stamp = ++_batchNumber << 32;
        var nextOfUser = new int[batch.Count];
        Partitions.ForEach(partitions, p =>
        {
            // The partition's events grouped by user, in batch order: each user's first and last event, and a
            // chain from each event to the user's next one. Users are independent, so each is then decoded
            // once, given all its events, and encoded right away: one decoded profile is alive at a time, so
            // a collection during the batch finds almost nothing to promote.
            var users = new List<(CachedProfile Entry, int First, int Last)>();
            for (var i = 0; i < batch.Count; i++)
            {
                if (partition[i] != p)
                {
                    continue;
                }

                var entry = entries[i];
                nextOfUser[i] = -1;
                if ((entry.BatchMark & ~0xFFFF_FFFFL) == stamp)
                {
                    var u = (int)(entry.BatchMark & 0xFFFF_FFFFL);
                    nextOfUser[users[u].Last] = i;
                    users[u] = users[u] with { Last = i };
                }
                else
                {
                    entry.BatchMark = stamp | (uint)users.Count;
                    users.Add((entry, i, i));
                }
            }

            // Each profile is decoded into the partition's one scratch state (its arrays reused), so that a batch
            // allocates no profile objects.
            var buffer = _buffers[p];
            buffer.Clear();
            var pending = _pending[p];
            pending.Clear();
            var scratch = _scratch[p];
            Func<ReadOnlySpan<byte>, ProfileState> decodeIntoScratch = bytes => ProfileCodec.Deserialize(bytes, scratch);
            foreach (var (entry, first, _) in users)
            {
                if (!entry.TryRead(decodeIntoScratch, out var state, out _))
                {
                    state = scratch;
                    state.Reset(entry.UserId);
                }

                for (var i = first; i >= 0; i = nextOfUser[i])
                {
                    ApplyTo(state, batch[i].Seq, batch[i].Event);
                }

                ProfileCodec.Write(state, buffer);
                pending.Add((entry, buffer.Length));
            }
        });
    }

    /// <summary>Publishes what the last <see cref="Compute"/> produced; returns the change in bytes held and calls <paramref name="published"/> for each profile.</summary>
    public long Publish(Action<CachedProfile> published)
    {
        long delta = 0;
        Partitions.ForEach(_partitions, p =>
        {
            var written = _buffers[p].WrittenSpan;
            long partDelta = 0;
            var start = 0;
            foreach (var (entry, end) in _pending[p])
            {
                partDelta += entry.Publish(written[start..end]);
                start = end;
            }

            Interlocked.Add(ref delta, partDelta);
        });
        for (var p = 0; p < _partitions; p++)
        {
            foreach (var (entry, _) in _pending[p])
            {
                published(entry);
            }

            _pending[p].Clear();
        }

        return delta;
    }

    /// <summary>Forgets what the last <see cref="Compute"/> produced (the batch failed: nothing of it is published).</summary>
    public void Discard()
    {
        foreach (var pending in _pending)
        {
            pending.Clear();
        }
    }

    /// <summary>
    /// Applies a logged event to a profile unless the profile already reflects that log position. A failure of
    /// the engine here is an <see cref="EventApplyException"/>: the event's own, told apart from a profile that
    /// could not be read or decoded.
    /// </summary>
    private void ApplyTo(ProfileState state, long seq, BehaviorEvent e)
    {
        if (seq <= state.AppliedSeq)
        {
            return;
        }

        try
        {
            if (e.Type == (byte)EventType.Preference)
            {
                foreach (var (kind, name) in ProfileEngine.PreferenceFeatures(e))
                {
                    _catalog.Register(kind, name);
                }
            }

            _engine.Apply(state, e, _catalog);
        }
        catch (Exception ex)
        {
            throw new EventApplyException(seq, ex);
        }

        state.AppliedSeq = seq;
    }
}
