using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Persona.Storage.RocksDb;

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

    private static ulong Hash(string key) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(key.AsSpan()));

    private sealed class Stage
    {
        private readonly ulong[] _bits;
        private readonly ulong _size;

        public Stage(long capacity)
        {
            Capacity = capacity;
            _size = (ulong)(capacity * 10); // 10 bits per key → about 1 % false positives with 7 hashes
            _bits = new ulong[(_size + 63) / 64];
        }

        public long Capacity { get; }

        private long _added;

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
