using System.IO.Hashing;
using System.Runtime.InteropServices;
using Persona.Core.Serialization;

namespace Persona.Storage.Cache;

/// <summary>
/// A scalable Bloom filter over string keys (1 % false positives per stage) within a byte budget: answers
/// "certainly absent" without touching disk, so lookups of new users skip the backend. When a stage fills, a
/// twice-as-large one is added while the budget allows; after that, keys go on into the last stage beyond its
/// capacity: its false positives rise (more disk reads), and it still never answers "absent" for a key added.
/// Safe for concurrent adds and reads (bits are set atomically).
/// </summary>
internal sealed class KeyFilter
{
    private const int Hashes = 7;
    private readonly Lock _grow = new();
    private readonly long _budgetBytes;
    private volatile Stage[] _stages;
    private volatile bool _full;
    private long _count;

    /// <param name="expected">Keys the first stage holds at 1 % false positives (fewer when the budget is smaller).</param>
    /// <param name="budgetBytes">Bytes the stages may take together; at least one 8-byte word.</param>
    public KeyFilter(long expected, long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, 8);
        _budgetBytes = budgetBytes;
        _stages = [new Stage(Math.Clamp(expected, 1, budgetBytes / 8 * 64 / 10))];
    }

    private KeyFilter(Stage[] stages, long count, long budgetBytes)
    {
        _stages = stages;
        _count = count;
        _budgetBytes = budgetBytes;
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Whether the budget has stopped the filter from adding stages (its false positives rise from here).</summary>
    public bool Full => _full;

    /// <summary>Bytes of the stages' bits.</summary>
    public long Bytes => _stages.Sum(st => st.Words.Length * 8L);

    public void Add(string key)
    {
        var stage = _stages[^1];
        if (!stage.TryReserve() && !_full)
        {
            lock (_grow)
            {
                if (ReferenceEquals(_stages[^1], stage))
                {
                    if (Bytes + Stage.BytesFor(stage.Capacity * 2) <= _budgetBytes)
                    {
                        _stages = [.. _stages, new Stage(stage.Capacity * 2)]; // copy-on-add: readers see either array
                    }
                    else
                    {
                        _full = true; // from now on the last stage takes every key, beyond its capacity
                    }
                }
            }

            stage = _stages[^1];
            stage.TryReserve();
        }

        stage.Add(Hash(key));
        Interlocked.Increment(ref _count);
    }

    public bool MayContain(string key)
    {
        var h = Hash(key);
        foreach (var stage in _stages)
        {
            if (stage.MayContain(h))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The filter as bytes, to be stored and read back with <see cref="FromBytes"/>. Keys added while this runs
    /// may be left out; every key added before it started is in.
    /// </summary>
    public byte[] ToBytes()
    {
        var stages = _stages;
        var w = new BinaryWriterBuffer(64 + stages.Sum(st => st.Words.Length * 8));
        w.WriteVarInt(Count);
        w.WriteVarUInt((ulong)stages.Length);
        foreach (var stage in stages)
        {
            w.WriteVarInt(stage.Capacity);
            w.WriteVarInt(stage.Added);
            w.WriteVarUInt((ulong)stage.Words.Length);
            foreach (var word in stage.Words)
            {
                w.WriteUInt64(Volatile.Read(in word));
            }
        }

        return w.ToArray();
    }

    /// <summary>
    /// Reads a filter written by <see cref="ToBytes"/>, which then grows within <paramref name="budgetBytes"/> (one
    /// stored larger keeps its stages and adds none); throws <see cref="FormatException"/> for anything else.
    /// </summary>
    public static KeyFilter FromBytes(ReadOnlySpan<byte> data, long budgetBytes)
    {
        var r = new BinaryReaderSpan(data);
        var count = r.ReadVarInt();
        var stages = new Stage[r.ReadCount(64)];
        for (var i = 0; i < stages.Length; i++)
        {
            var capacity = r.ReadVarInt();
            var added = r.ReadVarInt();
            var words = new ulong[r.ReadCount(int.MaxValue / 8)];
            if (capacity < 1 || words.Length * 8L != Stage.BytesFor(capacity))
            {
                throw new FormatException("inconsistent key filter stage");
            }

            for (var j = 0; j < words.Length; j++)
            {
                words[j] = r.ReadUInt64();
            }

            stages[i] = new Stage(capacity, words, added);
        }

        return stages.Length == 0 ? throw new FormatException("key filter without stages") : new KeyFilter(stages, count, budgetBytes);
    }

    private static ulong Hash(string key) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(key.AsSpan()));

    private sealed class Stage
    {
        private readonly ulong[] _bits;
        private readonly ulong _size;

        private long _added;

        public Stage(long capacity)
            : this(capacity, new ulong[BytesFor(capacity) / 8], 0)
        {
        }

        public Stage(long capacity, ulong[] words, long added)
        {
            Capacity = capacity;
            _size = (ulong)(capacity * 10); // 10 bits per key → about 1 % false positives with 7 hashes
            _bits = words;
            _added = added;
        }

        public long Capacity { get; }

        public long Added => Math.Min(Capacity, Interlocked.Read(ref _added));

        public ulong[] Words => _bits;

        /// <summary>Bytes of the bits of a stage of <paramref name="capacity"/> keys (10 bits a key, in whole words).</summary>
        public static long BytesFor(long capacity) => (long)((((ulong)capacity * 10) + 63) / 64) * 8;

        public bool TryReserve() => Interlocked.Increment(ref _added) <= Capacity;

        public void Add(ulong h)
        {
            var (a, b) = (h & 0xFFFF_FFFFUL, (h >> 32) | 1UL);
            for (var i = 0UL; i < Hashes; i++)
            {
                var bit = (a + (i * b)) % _size;
                Interlocked.Or(ref _bits[bit >> 6], 1UL << (int)(bit & 63));
            }
        }

        public bool MayContain(ulong h)
        {
            var (a, b) = (h & 0xFFFF_FFFFUL, (h >> 32) | 1UL);
            for (var i = 0UL; i < Hashes; i++)
            {
                var bit = (a + (i * b)) % _size;
                if ((_bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
