namespace Persona.Core.Engine;

/// <summary>
/// Event counts in fixed-width time buckets, sparse, keeping the newest <see cref="Keep"/> buckets
/// relative to the newest bucket seen. Adding is commutative: a late event lands in its own bucket,
/// and one older than the kept range would have been evicted in time order too.
/// </summary>
internal sealed class WindowCounter
{
    private int[] _buckets = [];
    private int[] _counts = [];

    public WindowCounter(long widthMs, int keep)
    {
        WidthMs = widthMs;
        Keep = keep;
    }

    public long WidthMs { get; }

    public int Keep { get; }

    public int Length { get; private set; }

    public int BucketAt(int i) => _buckets[i];

    public int CountAt(int i) => _counts[i];

    public void Add(long timeMs, int count = 1)
    {
        var bucket = (int)Math.Floor(timeMs / (double)WidthMs);
        if (Length > 0 && bucket <= _buckets[Length - 1] - Keep)
        {
            return; // older than the kept range: already expired
        }

        // Find the position (buckets are sorted ascending; new events are usually the last bucket).
        var i = Length - 1;
        while (i >= 0 && _buckets[i] > bucket)
        {
            i--;
        }

        if (i >= 0 && _buckets[i] == bucket)
        {
            _counts[i] += count;
            return;
        }

        Insert(i + 1, bucket, count);
        var newest = _buckets[Length - 1];
        var drop = 0;
        while (drop < Length && _buckets[drop] <= newest - Keep)
        {
            drop++;
        }

        if (drop > 0)
        {
            Array.Copy(_buckets, drop, _buckets, 0, Length - drop);
            Array.Copy(_counts, drop, _counts, 0, Length - drop);
            Length -= drop;
        }
    }

    /// <summary>Events in the <paramref name="buckets"/> buckets ending with the one holding <paramref name="nowMs"/>.</summary>
    public long Sum(long nowMs, int buckets)
    {
        var current = (int)Math.Floor(nowMs / (double)WidthMs);
        long sum = 0;
        for (var i = Length - 1; i >= 0; i--)
        {
            var b = _buckets[i];
            if (b > current)
            {
                continue;
            }

            if (b <= current - buckets)
            {
                break;
            }

            sum += _counts[i];
        }

        return sum;
    }

    internal void Load(int[] buckets, int[] counts)
    {
        _buckets = buckets;
        _counts = counts;
        Length = buckets.Length;
    }

    internal WindowCounter Clone()
    {
        var c = new WindowCounter(WidthMs, Keep);
        c.Load(_buckets[..Length], _counts[..Length]);
        return c;
    }

    private void Insert(int at, int bucket, int count)
    {
        if (Length == _buckets.Length)
        {
            var size = Math.Min(Keep + 1, Math.Max(4, Length * 2));
            Array.Resize(ref _buckets, size);
            Array.Resize(ref _counts, size);
        }

        Array.Copy(_buckets, at, _buckets, at + 1, Length - at);
        Array.Copy(_counts, at, _counts, at + 1, Length - at);
        _buckets[at] = bucket;
        _counts[at] = count;
        Length++;
    }
}
