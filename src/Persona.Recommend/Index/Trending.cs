namespace Persona.Recommend.Index;

/// <summary>
/// Time-decayed item popularity in event time: each item's score is the sum of its events' weights times
/// 2^((t − ref) / half-life), kept against one reference time, so that late and out-of-order events give the
/// same scores as in-order ones and the ranking needs no decay pass. Not thread-safe.
/// </summary>
internal sealed class Trending(IndexOptions options)
{
    private readonly List<double> _scores = [];
    private readonly List<int> _events = [];
    private readonly double _halfLifeMs = options.TrendingHalfLife.TotalMilliseconds;
    private long _refMs = long.MinValue;

    public int Count => _scores.Count;

    /// <summary>The newest event time seen.</summary>
    public long LatestMs { get; private set; } = long.MinValue;

    public void Observe(int item, float weight, long timeMs)
    {
        while (_scores.Count <= item)
        {
            _scores.Add(0);
            _events.Add(0);
        }

        if (_refMs == long.MinValue)
        {
            _refMs = timeMs;
        }

        var exponent = (timeMs - _refMs) / _halfLifeMs;
        if (exponent > 512)
        {
            // Rebase before the scale leaves double range: every score shrinks by the same factor.
            var shift = Math.Pow(2, -(exponent - 1));
            for (var i = 0; i < _scores.Count; i++)
            {
                _scores[i] *= shift;
            }

            _refMs += (long)((exponent - 1) * _halfLifeMs);
            exponent = 1;
        }

        _scores[item] += weight * Math.Pow(2, exponent);
        _events[item]++;
        LatestMs = Math.Max(LatestMs, timeMs);
    }

    /// <summary>The item's score relative to the others (same unit for all items; only ratios mean anything).</summary>
    public double Score(int item) => item >= 0 && item < _scores.Count ? _scores[item] : 0;

    /// <summary>Copies of the scores and event counts by item, as of now.</summary>
    public (double[] Scores, int[] Events) Snapshot() => ([.. _scores], [.. _events]);

    /// <summary>How many events the item has had.</summary>
    public int Events(int item) => item >= 0 && item < _events.Count ? _events[item] : 0;
}
