using Orleans.Concurrency;

namespace Persona.Cluster.Grains;

/// <summary>
/// One partition of the users (keyed by its number): it owns the partition's store (the durable protocol over
/// Redis, with its own log positions, deduplication and checkpoints) while it is active on some silo. Writes
/// run one at a time, in the order they arrive; reads interleave with them (the store serves reads while it
/// writes). Catalog changes are sent to every partition, so each one's log holds them in its own order.
/// </summary>
public interface IPartitionGrain : IGrainWithIntegerKey
{
    /// <summary>Ingests the partition's events; the reply comes once they are durable.</summary>
    Task<IngestReply> Ingest(WireBatch batch);

    Task<IngestReply> UpsertItems(WireBatch batch);

    Task<IngestReply> UpsertUsers(WireBatch batch);

    /// <summary>The user's profile as <c>ProfileCodec</c> bytes; null for an unknown user.</summary>
    [AlwaysInterleave]
    Task<byte[]?> Profile(string userId);

    /// <summary>The user record as JSON; null when there is none.</summary>
    [AlwaysInterleave]
    Task<byte[]?> User(string userId);

    /// <summary>The user's retained events (<c>EventCodec</c> bytes), oldest first.</summary>
    [AlwaysInterleave]
    Task<byte[][]> History(string userId, int max);

    /// <summary>The partition's newest dead letters as a JSON array.</summary>
    [AlwaysInterleave]
    Task<byte[]> DeadLetters(int max);

    /// <summary>Every user with a profile in this partition.</summary>
    [AlwaysInterleave]
    Task<string[]> UserIds();

    [AlwaysInterleave]
    Task<PartitionStatus> Status();

    /// <summary>The partition's catalog and the log position it is as of (between writes, so the two agree).</summary>
    Task<CatalogSnapshot> Catalog();

    Task CheckpointIfDue();

    Task<long> CompactRetention();

    /// <summary>Erases a user from this partition (see <c>IProfileStore.EraseUser</c>): [1 when anything was held else 0, events deleted, dead letters deleted].</summary>
    Task<long[]> EraseUser(string userId);

    /// <summary>Rewrites this partition's storage without deleted data.</summary>
    Task Purge();
}
