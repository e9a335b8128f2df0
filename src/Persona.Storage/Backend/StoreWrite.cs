namespace Persona.Storage.Backend;

/// <summary>A log record to append at a position.</summary>
public readonly record struct LogEntry(long Seq, ReadOnlyMemory<byte> Record);

/// <summary>A value under a string key; a null value deletes the key.</summary>
public readonly record struct KeyedValue(string Key, ReadOnlyMemory<byte>? Value);

/// <summary>
/// One atomic unit of work for <see cref="IStoreBackend.Commit"/>: log records, dead letters, items, user
/// records and metadata changes, and the deletions of an erasure (log records, dead letters and profiles of one
/// user), all kept or all lost together. The memory the entries point to must stay
/// unchanged until the commit returns.
/// </summary>
public sealed class StoreWrite
{
    public List<LogEntry> LogRecords { get; } = [];

    public List<LogEntry> DeadLetters { get; } = [];

    public List<KeyedValue> Items { get; } = [];

    public List<KeyedValue> Users { get; } = [];

    public List<KeyedValue> Meta { get; } = [];

    /// <summary>Log positions whose records go (an erased user's events); a position with no record is skipped.</summary>
    public List<long> DeletedLogRecords { get; } = [];

    /// <summary>Dead-letter positions whose letters go; a position with no letter is skipped.</summary>
    public List<long> DeletedDeadLetters { get; } = [];

    /// <summary>User ids whose profile snapshots go; a user with none is skipped.</summary>
    public List<string> DeletedProfiles { get; } = [];

    public bool IsEmpty => LogRecords.Count == 0 && DeadLetters.Count == 0 && Items.Count == 0 && Users.Count == 0 && Meta.Count == 0
        && DeletedLogRecords.Count == 0 && DeletedDeadLetters.Count == 0 && DeletedProfiles.Count == 0;

    public void Clear()
    {
        LogRecords.Clear();
        DeadLetters.Clear();
        Items.Clear();
        Users.Clear();
        Meta.Clear();
        DeletedLogRecords.Clear();
        DeletedDeadLetters.Clear();
        DeletedProfiles.Clear();
    }
}
