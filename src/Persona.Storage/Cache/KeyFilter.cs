using System.IO.Hashing;
using System.Runtime.InteropServices;
using Persona.Core.Serialization;

namespace Persona.Storage.Cache;

/// <summary>
/// A scalable Bloom filter over string keys (1 % false positives per stage): answers "certainly absent"
/// without touching disk, so lookups of new event ids and new users skip RocksDB. When a stage fills, a
/// twice-as-large one is added. Safe for concurrent adds and reads (bits are set atomically).
/// </summary>
internal sealed class KeyFilter
{
    private const int Hashes = 7;
    private readonly Lock _grow = new();
    private volatile Stage[] _stages;
    private long _count;

    public KeyFilter(long expected)
    {
        _stages = [new Stage(Math.Max(1 << 16, expected))];
    }

    private KeyFilter(Stage[] stages, long count)
    {
        _stages = stages;
        _count = count;
    }

    public long Count => Interlocked.Read(ref _count);

    public void Add(string key)
    {
        var stage = _stages[^1];
        if (!stage.TryReserve())
        {
            lock (_grow)
            {
                if (ReferenceEquals(_stages[^1], stage))
                {
                    _stages = [.. _stages, new Stage(stage.Capacity * 2)]; // copy-on-add: readers see either array
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

    /// <summary>Reads a filter written by <see cref="ToBytes"/>; throws <see cref="FormatException"/> for anything else.</summary>
    public static KeyFilter FromBytes(ReadOnlySpan<byte> data)
    {
        var r = new BinaryReaderSpan(data);
        var count = r.ReadVarInt();
        var stages = new Stage[r.ReadCount(64)];
        for (var i = 0; i < stages.Length; i++)
        {
            var capacity = r.ReadVarInt();
            var added = r.ReadVarInt();
            var words = new ulong[r.ReadCount(int.MaxValue / 8)];
            if (capacity < 1 || words.Length != (long)((((ulong)capacity * 10) + 63) / 64))
            {
                throw new FormatException("inconsistent key filter stage");
            }

            for (var j = 0; j < words.Length; j++)
            {
                words[j] = r.ReadUInt64();
            }

            stages[i] = new Stage(capacity, words, added);
        }

        return stages.Length == 0 ? throw new FormatException("key filter without stages") : new KeyFilter(stages, count);
    }

    private static ulong Hash(string key) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(key.AsSpan()));

    private sealed class Stage
    {
        private readonly ulong[] _bits;
        private readonly ulong _size;

        private long _added;

        public Stage(long capacity)
            : this(capacity, new ulong[(((ulong)capacity * 10) + 63) / 64], 0)
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
