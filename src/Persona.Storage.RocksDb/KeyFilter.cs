using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Persona.Storage.RocksDb;

/// <summary>
/// A scalable Bloom filter over string keys (1 % false positives per stage): answers "certainly absent"
/// without touching disk, so lookups of new event ids and new users skip RocksDB. When a stage fills, a
/// twice-as-large one is added. Single writer; readers may race benignly (a missed bit only costs a lookup).
/// </summary>
internal sealed class KeyFilter
{
    private const int Hashes = 7;
    private volatile Stage[] _stages;

    public KeyFilter(long expected)
    {
        _stages = [new Stage(Math.Max(1 << 16, expected))];
    }

    public long Count { get; private set; }

    public void Add(string key)
    {
        var stage = _stages[^1];
        if (stage.Added >= stage.Capacity)
        {
            stage = new Stage(stage.Capacity * 2);
            _stages = [.. _stages, stage]; // copy-on-add: readers see the old or the new array, both valid
        }

        stage.Add(Hash(key));
        Count++;
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

        public long Added { get; private set; }

        public void Add(ulong h)
        {
            var (a, b) = (h & 0xFFFF_FFFFUL, (h >> 32) | 1UL);
            for (var i = 0UL; i < Hashes; i++)
            {
                var bit = (a + (i * b)) % _size;
                _bits[bit >> 6] |= 1UL << (int)(bit & 63);
            }

            Added++;
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
