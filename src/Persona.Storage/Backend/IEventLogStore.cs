namespace Persona.Storage.Backend;

/// <summary>Visits one log record; returns false to stop the scan.</summary>
public delegate bool LogVisitor(long seq, ReadOnlySpan<byte> record);

/// <summary>The durable log: records keyed by position (1, 2, ...), appended through <see cref="IStoreBackend.Commit"/>.</summary>
public interface IEventLogStore
{
    /// <summary>The newest position in the log; 0 when it is empty.</summary>
    long LastSeq { get; }

    /// <summary>The record at <paramref name="seq"/>, or null (never written, or deleted by retention).</summary>
    byte[]? Read(long seq);

    /// <summary>Visits the records from position <paramref name="from"/> on, in ascending order, until the visitor returns false.</summary>
    void Scan(long from, LogVisitor visitor);

    /// <summary>Deletes every record up to and including <paramref name="through"/> (retention). Safe alongside appends and reads.</summary>
    void DeleteThrough(long through);

    /// <summary>Reclaims the space of deleted records. May take long; the store never calls it while holding its write lock.</summary>
    void Compact();
}
