namespace Persona.Storage.Backend;

/// <summary>Rejected records keyed by a position of their own (1, 2, ...), appended through <see cref="IStoreBackend.Commit"/>.</summary>
public interface IDeadLetterStore
{
    /// <summary>Visits dead letters in ascending position order, or newest first, until the visitor returns false.</summary>
    void Scan(bool newestFirst, LogVisitor visitor);

    /// <summary>Deletes every dead letter up to and including <paramref name="through"/>.</summary>
    void DeleteThrough(long through);
}
