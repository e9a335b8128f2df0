namespace Persona.Core.Engine;

/// <summary>
/// Event counts in fixed-width time buckets, sparse, keeping the newest <see cref="Keep"/> buckets
/// relative to the newest bucket seen. Adding is commutative: a late event lands in its own bucket,
/// and one older than the kept range would have been evicted in time order too. A mutable struct held in
/// a field of its owner (one array per counter: bucket/count pairs, ascending).
/// </summary>
internal struct WindowCounter
{
    private int[] _pairs;

    public WindowCounter(long widthMs, int keep)
    {
        WidthMs = widthMs;
        Keep = keep;
        _pairs = [];
    }

    public long WidthMs { get; }

    public int Keep { get; }

    public int Length { get; private set; }

    public readonly int BucketAt(int i) => _pairs[2 * i];

    public readonly int CountAt(int i) => _pairs[(2 * i) + 1];

    public void Add(long timeMs, int count = 1)
    {
        var bucket = (int)(timeMs >= 0 ? timeMs / WidthMs : ((timeMs + 1) / WidthMs) - 1);
        var n = Length;
        var p = _pairs;
        if (n > 0)
        {
            var newest = p[2 * (n - 1)];
            if (bucket == newest)
            {
                p[(2 * (n - 1)) + 1] += count;
                return;
            }

            if (bucket <= newest - Keep)
            {
                return; // older than the kept range: already expired
            }
        }

        var i = n - 1;
        while (i >= 0 && p[2 * i] > bucket)
        {
            i--;
        }

        if (i >= 0 && p[2 * i] == bucket)
        {
            p[(2 * i) + 1] += count;
            return;
        }

        Insert(i + 1, bucket, count);
        var last = _pairs[2 * (Length - 1)];
        var drop = 0;
        while (drop < Length && _pairs[2 * drop] <= last - Keep)
        {
            drop++;
        }

        if (drop > 0)
        {
            Array.Copy(_pairs, 2 * drop, _pairs, 0, 2 * (Length - drop));
            Length -= drop;
        }
    }

    /// <summary>Events in the <paramref name="buckets"/> buckets ending with the one holding <paramref name="nowMs"/>.</summary>
    public readonly long Sum(long nowMs, int buckets)
    {
        var current = (int)(nowMs >= 0 ? nowMs / WidthMs : ((nowMs + 1) / WidthMs) - 1);
        long sum = 0;
        for (var i = Length - 1; i >= 0; i--)
        {
            var b = _pairs[2 * i];
            if (b > current)
            {
                continue;
            }

            if (b <= current - buckets)
            {
                break;
            }

            sum += _pairs[(2 * i) + 1];
        }

        return sum;
    }

    internal void Load(int[] buckets, int[] counts)
    {
        _pairs = new int[2 * buckets.Length];
        for (var i = 0; i < buckets.Length; i++)
        {
            _pairs[2 * i] = buckets[i];
            _pairs[(2 * i) + 1] = counts[i];
        }

        Length = buckets.Length;
    }

    internal readonly WindowCounter Clone()
    {
        var c = new WindowCounter(WidthMs, Keep) { _pairs = _pairs[..(2 * Length)], Length = Length };
        return c;
    }

    private void Insert(int at, int bucket, int count)
    {
        if (2 * Length == _pairs.Length)
        {
            var size = Math.Min(Keep + 1, Math.Max(2, Length * 2));
            Array.Resize(ref _pairs, 2 * size);
        }

        Array.Copy(_pairs, 2 * at, _pairs, 2 * (at + 1), 2 * (Length - at));
        _pairs[2 * at] = bucket;
        _pairs[(2 * at) + 1] = count;
        Length++;
    }
}
