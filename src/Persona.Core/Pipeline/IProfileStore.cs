using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;

namespace Persona.Core.Pipeline;

/// <summary>
/// Where profiles live: ingests validated events exactly once, keeps the catalog and user records, and
/// serves profile state. The embedded RocksDB store is the default; other engines implement the same contract.
/// </summary>
public interface IProfileStore : IDisposable
{
    ProfileEngine Engine { get; }

    CatalogIndex Catalog { get; }

    /// <summary>
    /// Appends accepted events durably, then applies them; duplicates are counted, rejected records dead-lettered.
    /// Throws <see cref="StoreUnavailableException"/> once the store has failed: nothing of that batch is acknowledged.
    /// </summary>
    IngestResult Ingest(ParsedBatch<BehaviorEvent> batch);

    IngestResult UpsertItems(ParsedBatch<CatalogItem> batch);

    IngestResult UpsertUsers(ParsedBatch<UserRecord> batch);

    /// <summary>Runs <paramref name="read"/> on the user's state while no event is being applied to it; null for an unknown user.</summary>
    T? Read<T>(string userId, Func<ProfileState, T> read)
        where T : class;

    /// <summary>Whether reading the user's profile is served from memory (no I/O): false for one that would be read from disk, and for an unknown user.</summary>
    bool IsInMemory(string userId);

    UserRecord? FindUser(string userId);

    /// <summary>
    /// Erases a user: their profile, user record, logged events and dead letters go in one atomic, durable commit,
    /// and every read answers as for an unknown user from then on; replay and restart never bring them back. The
    /// bytes leave the files at the next <see cref="IStoreMaintenance.Purge"/>. A later event for the same id
    /// starts a new, empty profile.
    /// </summary>
    ErasureResult EraseUser(string userId);

    /// <summary>The user's retained events, oldest log position first.</summary>
    IReadOnlyList<BehaviorEvent> History(string userId, int max = 10_000);

    /// <summary>Rejected records kept with their reasons, newest first.</summary>
    IReadOnlyList<DeadLetter> DeadLetters(int max = 100);

    /// <summary>The newest durable log position: every event at or below it is applied and readable.</summary>
    long LogPosition { get; }

    /// <summary>
    /// Up to <paramref name="max"/> retained events logged after position <paramref name="afterSeq"/> and at or
    /// below <see cref="LogPosition"/>, oldest first, each with its position; catalog changes are skipped. This is
    /// the stream that followers (recommendation indexes, segment membership) consume at their own pace.
    /// </summary>
    IReadOnlyList<LoggedEvent> ReadLog(long afterSeq, int max);

    /// <summary>Visits the id of every user with a profile (each once, in no particular order).</summary>
    void VisitUsers(Action<string> visitor);

    StoreStats Stats { get; }

    /// <summary>Whether the store accepts writes, and the fault that stopped them if not. Reads work either way.</summary>
    StoreHealth Health { get; }
}
