namespace Persona.Storage;

/// <summary>Splitting a batch's work across cores.</summary>
internal static class Partitions
{
    /// <summary>Below this many records a batch runs on one core: the fan-out costs more than it saves.</summary>
    public const int ParallelFrom = 2_048;

    /// <summary>How many partitions a batch of <paramref name="count"/> records is split into.</summary>
    public static int For(int count) => count >= ParallelFrom ? Math.Min(Environment.ProcessorCount, 8) : 1;

    /// <summary>The index range [lo, hi) of slice <paramref name="p"/> of <paramref name="count"/> items cut in <paramref name="parts"/>.</summary>
    public static (int Lo, int Hi) Slice(int count, int parts, int p) => ((int)((long)count * p / parts), (int)((long)count * (p + 1) / parts));

    public static void ForEach(int partitions, Action<int> body)
    {
        if (partitions == 1)
        {
            body(0);
        }
        else
        {
            Parallel.For(0, partitions, body);
        }
    }
}
