namespace Persona.Storage.Tests.InMemory;

/// <summary>What an in-memory backend holds: the state a reader sees, or the state on its simulated disk.</summary>
internal sealed class MemoryImage
{
    public Dictionary<long, byte[]> Log { get; } = [];

    public SortedSet<long> LogSeqs { get; } = [];

    public Dictionary<string, byte[]> Profiles { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, byte[]> Items { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, byte[]> Users { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<long, byte[]> DeadLetters { get; } = [];

    public SortedDictionary<string, byte[]> Meta { get; } = new(StringComparer.Ordinal);

    public SortedSet<(int Bucket, ulong Fingerprint, long Seq)> EventIds { get; } = [];

    public MemoryImage Clone()
    {
        var copy = new MemoryImage();
        foreach (var (seq, record) in Log)
        {
            copy.Log[seq] = record;
        }

        copy.LogSeqs.UnionWith(LogSeqs);
        Copy(Profiles, copy.Profiles);
        Copy(Items, copy.Items);
        Copy(Users, copy.Users);
        Copy(DeadLetters, copy.DeadLetters);
        Copy(Meta, copy.Meta);
        copy.EventIds.UnionWith(EventIds);
        return copy;
    }

    public void PutLog(long seq, byte[] record)
    {
        Log[seq] = record;
        LogSeqs.Add(seq);
    }

    public void DeleteLogThrough(long through)
    {
        if (LogSeqs.Count == 0 || LogSeqs.Min > through)
        {
            return;
        }

        foreach (var seq in LogSeqs.GetViewBetween(LogSeqs.Min, through).ToList())
        {
            Log.Remove(seq);
            LogSeqs.Remove(seq);
        }
    }

    private static void Copy<TKey>(IDictionary<TKey, byte[]> from, IDictionary<TKey, byte[]> to)
    {
        foreach (var (key, value) in from)
        {
            to[key] = value;
        }
    }
}
