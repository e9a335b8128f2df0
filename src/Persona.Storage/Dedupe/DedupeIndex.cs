using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace Persona.Storage.Dedupe;

/// <summary>
/// Exact event-id lookup in memory: a 64-bit fingerprint of each id maps to the log position of the event; a
/// fingerprint hit is confirmed by reading that event's id from the log, so a fingerprint collision never
/// drops an event. Entries at or below <see cref="Cut"/> are dead: lookups pass over them, and they are dropped
/// when their shard next needs room.
/// </summary>
/// <remarks>
/// Each of the <see cref="Shards"/> shards (chosen by the fingerprint's top bits) is an open-addressing table
/// of (fingerprint, position) slots with linear probing: 16 bytes a slot, at most 70 % full, so a lookup
/// usually costs one cache line, and the slots hold no references for the collector to trace. A shard never
/// grows beyond its share of the byte budget; <see cref="TryAdd(ulong, long)"/> reports a full one, and the
/// caller raises the cut. Several threads can add to disjoint shards at once; lookups are safe while nothing is
/// added.
/// </remarks>
internal sealed class DedupeIndex
{
    public const int Shards = 16;
    public const int SlotBytes = 16;
    private const int InitialCapacity = 1 << 10;
    private readonly Shard[] _shards;
    private long _cut;

    public DedupeIndex(long budgetBytes)
    {
        var perShard = Math.Max(InitialCapacity, budgetBytes / SlotBytes / Shards);
        MaxSlotsPerShard = (int)Math.Min(1 << 30, 1L << (int)(63 - long.LeadingZeroCount(perShard)));
        _shards = [.. Enumerable.Range(0, Shards).Select(_ => new Shard(InitialCapacity))];
    }

    /// <summary>The most slots a shard may have (a power of two).</summary>
    public int MaxSlotsPerShard { get; }

    /// <summary>The most live entries the budget holds (every shard at its largest, 70 % full).</summary>
    public long Capacity => (long)MaxSlotsPerShard * Shards * 7 / 10;

    /// <summary>Entries at or below this log position are dead. Only ever raised.</summary>
    public long Cut
    {
        get => Volatile.Read(ref _cut);
        set => Volatile.Write(ref _cut, Math.Max(_cut, value));
    }

    /// <summary>Occupied slots, dead entries included.</summary>
    public long Count => _shards.Sum(s => (long)s.Count);

    public long Bytes => _shards.Sum(s => (long)s.Slots.Length * SlotBytes);

    public static ulong Fingerprint(string id) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(id.AsSpan()));

    /// <summary>The fingerprint of an id given as UTF-8 bytes (equal to <see cref="Fingerprint(string)"/> of the decoded id).</summary>
    public static ulong Fingerprint(ReadOnlySpan<byte> utf8Id)
    {
        if (utf8Id.Length <= 256)
        {
            Span<char> chars = stackalloc char[256];
            var n = Encoding.UTF8.GetChars(utf8Id, chars);
            return XxHash64.HashToUInt64(MemoryMarshal.AsBytes(chars[..n]));
        }

        return Fingerprint(Encoding.UTF8.GetString(utf8Id));
    }

    /// <summary>The shard a fingerprint belongs to.</summary>
    public static int ShardOf(ulong fingerprint) => (int)(fingerprint >> 60);

    /// <summary>Whether <paramref name="id"/> is in the log; <paramref name="idAt"/> reads the event id at a position.</summary>
    public bool Contains(string id, Func<long, string?> idAt) => Contains(Fingerprint(id), id, idAt);

    /// <inheritdoc cref="Contains(string, Func{long, string?})"/>
    public bool Contains(ulong fp, string id, Func<long, string?> idAt)
    {
        var cut = Cut;
        var slots = _shards[ShardOf(fp)].Slots;
        var mask = slots.Length - 1;
        for (var i = (int)fp & mask; slots[i].Seq != 0; i = (i + 1) & mask)
        {
            if (slots[i].Fingerprint == fp && slots[i].Seq > cut && idAt(slots[i].Seq) == id)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The live entries of shard <paramref name="shard"/> with <paramref name="after"/> &lt; position ≤ <paramref name="through"/> (while nothing is added).</summary>
    public void CollectShard(int shard, long after, long through, Action<ulong, long> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        after = Math.Max(after, Cut);
        foreach (var slot in _shards[shard].Slots)
        {
            if (slot.Seq > after && slot.Seq <= through)
            {
                entry(slot.Fingerprint, slot.Seq);
            }
        }
    }

    /// <summary>Adds a log position (≥ 1) under an id's fingerprint; false when its shard is full of live entries (raise <see cref="Cut"/>).</summary>
    public bool TryAdd(string id, long seq) => TryAdd(Fingerprint(id), seq);

    /// <summary>Adds a log position (≥ 1) under a fingerprint; concurrent calls must be for different shards.</summary>
    public bool TryAdd(ulong fp, long seq)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        var shard = _shards[ShardOf(fp)];
        if ((shard.Count + 1) * 10L > shard.Slots.Length * 7L && !shard.MakeRoom(Cut, MaxSlotsPerShard))
        {
            return false;
        }

        Shard.Place(shard.Slots, fp, seq);
        shard.Count++;
        return true;
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

        /// <summary>
        /// Rebuilds the shard without its dead entries, at the smallest size that leaves it at most 35 % full
        /// (up to <paramref name="maxSlots"/>); false when even the largest size would be over 70 % full.
        /// </summary>
        public bool MakeRoom(long cut, int maxSlots)
        {
            var live = 0;
            foreach (var s in Slots)
            {
                live += s.Seq > cut ? 1 : 0;
            }

            var size = InitialCapacity;
            while (size < maxSlots && (live + 1) * 100L > size * 35L)
            {
                size *= 2;
            }

            if ((live + 1) * 10L > size * 7L)
            {
                return false;
            }

            var next = new Slot[size];
            foreach (var s in Slots)
            {
                if (s.Seq > cut)
                {
                    Place(next, s.Fingerprint, s.Seq);
                }
            }

            Slots = next;
            Count = live;
            return true;
        }
    }
}
