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

    /// <summary>Appends accepted events durably, then applies them; duplicates are counted, rejected records dead-lettered.</summary>
    IngestResult Ingest(ParsedBatch<BehaviorEvent> batch);

    IngestResult UpsertItems(ParsedBatch<CatalogItem> batch);

    IngestResult UpsertUsers(ParsedBatch<UserRecord> batch);

    /// <summary>Runs <paramref name="read"/> on the user's state while no event is being applied to it; null for an unknown user.</summary>
    T? Read<T>(string userId, Func<ProfileState, T> read)
        where T : class;

    UserRecord? FindUser(string userId);

    /// <summary>The user's retained events, oldest log position first.</summary>
    IReadOnlyList<BehaviorEvent> History(string userId, int max = 10_000);

    StoreStats Stats { get; }
}
