using System.Diagnostics;
using System.Numerics.Tensors;
// The sequence source's work per answer: one 64-wide dot product per item (as SequenceEncoder.Score), then the best 100 by a bounded heap (as SequenceScorer.TopOf).
foreach (var n in new[] { 20_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000 })
{
    const int d = 64;
    var rng = new Random(1);
    var table = new float[(n + 1) * d];
    for (var i = 0; i < table.Length; i++) table[i] = (float)(rng.NextDouble() - 0.5);
    var user = new float[d];
    for (var i = 0; i < d; i++) user[i] = (float)(rng.NextDouble() - 0.5);
    var scores = new float[n];
    var times = new List<double>();
    for (var rep = 0; rep < 30; rep++)
    {
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++) scores[i] = TensorPrimitives.Dot(table.AsSpan((i + 1) * d, d), user);
        var heap = new PriorityQueue<int, float>(101);
        for (var i = 0; i < n; i++) { if (heap.Count < 100) heap.Enqueue(i, scores[i]); else if (heap.TryPeek(out _, out var min) && scores[i] > min) heap.DequeueEnqueue(i, scores[i]); }
        times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine($"{n,9:N0} items: median {times[15]:0.000} ms, p90 {times[27]:0.000} ms");
}
