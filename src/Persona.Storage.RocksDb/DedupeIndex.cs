using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Persona.Storage.RocksDb;

/// <summary>
/// Exact event-id deduplication over the retained log, in memory: a 64-bit fingerprint of each id maps
/// to the log position of the event; a fingerprint hit is confirmed by reading that event's id from the
/// log, so a fingerprint collision never drops an event. Rebuilt from the log when the store opens.
/// </summary>
/// <remarks>
/// Each of the <see cref="Shards"/> shards (chosen by the fingerprint's top bits) is an open-addressing
/// table of (fingerprint, position) slots with linear probing: 16 bytes a slot, at most 70 % full, so a
/// lookup usually costs one cache line, and the slots hold no references for the collector to trace. Ids
/// sharing a fingerprint take separate slots on the same probe run. Several threads can add to disjoint
/// shards at once; lookups are safe while nothing is added.
/// </remarks>
internal sealed class DedupeIndex
{
    public const int Shards = 16;
    private const int InitialCapacity = 1 << 10;
    private readonly Shard[] _shards = [.. Enumerable.Range(0, Shards).Select(_ => new Shard(InitialCapacity))];

    public long Count => _shards.Sum(s => (long)s.Count);

    public static ulong Fingerprint(string id) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(id.AsSpan()));

    /// <summary>The shard a fingerprint belongs to.</summary>
    public static int ShardOf(ulong fingerprint) => (int)(fingerprint >> 60);

    /// <summary>Whether <paramref name="id"/> is in the log; <paramref name="idAt"/> reads the event id at a position.</summary>
    public bool Contains(string id, Func<long, string?> idAt) => Contains(Fingerprint(id), id, idAt);

    /// <inheritdoc cref="Contains(string, Func{long, string?})"/>
    public bool Contains(ulong fp, string id, Func<long, string?> idAt)
    {
        var shard = _shards[ShardOf(fp)];
        var slots = shard.Slots;
        var mask = slots.Length - 1;
        for (var i = (int)fp & mask; slots[i].Seq != 0; i = (i + 1) & mask)
        {
            if (slots[i].Fingerprint == fp && idAt(slots[i].Seq) == id)
            {
                return true;
            }
        }

        return false;
    }

    public void Add(string id, long seq) => Add(Fingerprint(id), seq);

    /// <summary>Adds a log position (≥ 1) under a fingerprint; concurrent calls must be for different shards.</summary>
    public void Add(ulong fp, long seq)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        var shard = _shards[ShardOf(fp)];
        if ((shard.Count + 1) * 10L > shard.Slots.Length * 7L)
        {
            shard.Grow();
        }

        Shard.Place(shard.Slots, fp, seq);
        shard.Count++;
    }

    /// <summary>Removes the entry of <paramref name="id"/> at log position <paramref name="seq"/>, if present.</summary>
    public void Remove(string id, long seq) => Remove(Fingerprint(id), seq);

    /// <summary>Removes the entry at log position <paramref name="seq"/> under a fingerprint, if present.</summary>
    public void Remove(ulong fp, long seq)
    {
        var shard = _shards[ShardOf(fp)];
        var slots = shard.Slots;
        var mask = slots.Length - 1;
        var i = (int)fp & mask;
        while (slots[i].Seq != 0 && (slots[i].Fingerprint != fp || slots[i].Seq != seq))
        {
            i = (i + 1) & mask;
        }

        if (slots[i].Seq == 0)
        {
            return;
        }

        // Backward-shift deletion: move later entries of the run into the hole when their home slot allows,
        // so that no probe run is cut short.
        var j = i;
        while (true)
        {
            j = (j + 1) & mask;
            if (slots[j].Seq == 0)
            {
                break;
            }

            var home = (int)slots[j].Fingerprint & mask;
            var between = i <= j ? home > i && home <= j : home > i || home <= j;
            if (!between)
            {
                slots[i] = slots[j];
                i = j;
            }
        }

        slots[i] = default;
        shard.Count--;
    }

    private struct Slot
    {
        public ulong Fingerprint;

        /// <summary>Log position; 0 marks an empty slot.</summary>
        public long Seq;
    }

    private sealed class Shard(int capacity)
    {
        public Slot[] Slots { get; private set; } = new Slot[capacity];

        public int Count { get; set; }

        public static void Place(Slot[] slots, ulong fp, long seq)
        {
            var mask = slots.Length - 1;
            var i = (int)fp & mask;
            while (slots[i].Seq != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = new Slot { Fingerprint = fp, Seq = seq };
        }

        public void Grow()
        {
            var next = new Slot[Slots.Length * 2];
            foreach (var s in Slots)
            {
                if (s.Seq != 0)
                {
                    Place(next, s.Fingerprint, s.Seq);
                }
            }

            Slots = next;
        }
    }
}
