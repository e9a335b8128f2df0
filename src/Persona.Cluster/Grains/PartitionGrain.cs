using System.Text.Json;
using Persona.Core.Catalog;
using Persona.Core.Pipeline;
using Persona.Core.Serialization;
using Persona.Storage;

namespace Persona.Cluster.Grains;

/// <summary>
/// A partition's owner: on activation it opens the partition's store (taking a new writer epoch, so that a stale
/// activation elsewhere is fenced off by Redis) and recovers it from its checkpoint and log; it closes it on
/// deactivation. The store's calls block on Redis round trips, so they run off the grain's turn on the thread
/// pool. A store that has failed (Redis gone, or this activation fenced off) answers <see cref="IngestReply.Unavailable"/>
/// and the grain deactivates (on that write, or within a second when a background write such as a checkpoint
/// failed), so that the next call opens the store afresh, wherever the grain lands: partitions spread over the
/// silos alive when they activate (<see cref="PartitionPlacement"/>).
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
[PartitionPlacement]
internal sealed partial class PartitionGrain(
    IPartitionStores stores, IClusterMembershipService membership, ILocalSiloDetails silo, PersonaClusterOptions options, ILogger<PartitionGrain> logger) : Grain, IPartitionGrain
{
    private MembershipVersion _seenVersion;
    private long _seenSince;
    /// <summary>How often the grain looks whether its store has failed (a lost connection, a fenced commit, a failed checkpoint).</summary>
    private static readonly TimeSpan HealthCheckInterval = TimeSpan.FromSeconds(1);
    private DurableProfileStore? _store;

    private int Partition => (int)this.GetPrimaryKeyLong();

    private DurableProfileStore Store => _store ?? throw new InvalidOperationException($"partition {Partition} is not open");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        _store = await stores.OpenAsync(Partition, cancellationToken);
        var elapsed = TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
        Opened(logger, Partition, _store.Recovered.Replayed, elapsed);
        this.RegisterGrainTimer(Check, HealthCheckInterval, HealthCheckInterval);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_store is { } store)
        {
            _store = null;
            await Task.Run(store.Dispose, CancellationToken.None);
        }
    }

    public Task<IngestReply> Ingest(WireBatch batch) =>
        Write(batch, b => Store.Ingest(WireCodec.Events(b)));

    public Task<IngestReply> UpsertItems(WireBatch batch) =>
        Write(batch, b => Store.UpsertItems(WireCodec.FromJson<CatalogItem>(b)));

    public Task<IngestReply> UpsertUsers(WireBatch batch) =>
        Write(batch, b => Store.UpsertUsers(WireCodec.FromJson<UserRecord>(b)));

    public Task<byte[]?> Profile(string userId) => Task.FromResult(Store.Read(userId, ProfileCodec.Serialize));

    public Task<byte[]?> User(string userId) =>
        Task.FromResult(Store.FindUser(userId) is { } user ? JsonSerializer.SerializeToUtf8Bytes(user, WireCodec.Json) : null);

    public Task<byte[][]> History(string userId, int max) =>
        Task.FromResult(Store.History(userId, max).Select(EventCodec.Serialize).ToArray());

    public Task<byte[]> DeadLetters(int max) =>
        Task.FromResult(JsonSerializer.SerializeToUtf8Bytes(Store.DeadLetters(max), WireCodec.Json));

    public Task<string[]> UserIds()
    {
        var ids = new List<string>();
        Store.VisitUsers(ids.Add);
        return Task.FromResult(ids.ToArray());
    }

    public Task<PartitionStatus> Status()
    {
        var s = Store.Stats;
        var fault = Store.Health.Fault;
        return Task.FromResult(new PartitionStatus(
            s.LogPosition, s.CheckpointPosition, s.CachedProfiles, s.CachedProfileBytes, s.DeadLetters, s.DeadLetterBytes,
            s.NewestEventTimeMs, s.DedupeEntries, s.DedupeBytes, fault is null ? null : $"{fault.Reason}: {fault.Message}",
            RuntimeIdentity));
    }

    public Task<CatalogSnapshot> Catalog() =>
        Task.FromResult(new CatalogSnapshot(JsonSerializer.SerializeToUtf8Bytes(Store.Catalog.Records.ToList(), WireCodec.Json), Store.LogPosition));

    public Task CheckpointIfDue() => Task.Run(Store.CheckpointIfDue);

    public Task<long> CompactRetention() => Task.Run(Store.CompactRetention);

    public Task<long[]> EraseUser(string userId) => Task.Run(() =>
    {
        var erased = Store.EraseUser(userId);
        return new[] { erased.Found ? 1L : 0L, erased.Events, erased.DeadLetters };
    });

    public Task Purge() => Task.Run(Store.Purge);

    /// <summary>
    /// Deactivates when the store has failed (it takes no more writes; the next call opens it afresh, recovering
    /// from Redis), or when the partition belongs on another silo and membership has not changed for
    /// <see cref="PersonaClusterOptions.RebalanceDelay"/> (the next call activates it there).
    /// </summary>
    private Task Check()
    {
        if (_store?.Health.Fault is { } fault)
        {
            Unavailable(logger, Partition, fault.Reason, fault.Message);
            this.DeactivateOnIdle();
            return Task.CompletedTask;
        }

        var snapshot = membership.CurrentSnapshot;
        var now = TimeProvider.System.GetTimestamp();
        if (snapshot.Version != _seenVersion)
        {
            (_seenVersion, _seenSince) = (snapshot.Version, now);
            return Task.CompletedTask;
        }

        if (TimeProvider.System.GetElapsedTime(_seenSince, now) < options.RebalanceDelay)
        {
            return Task.CompletedTask;
        }

        var alive = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).ToList();
        var here = silo.SiloAddress.ToParsableString();
        if (alive.Contains(here) && PartitionAssignment.Assign(stores.Count, alive)[Partition] is { } owner && owner != here)
        {
            Moving(logger, Partition, owner);
            this.DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    private async Task<IngestReply> Write(WireBatch batch, Func<WireBatch, IngestResult> write)
    {
        try
        {
            return IngestReply.From(await Task.Run(() => write(batch)));
        }
        catch (StoreUnavailableException ex)
        {
            Unavailable(logger, Partition, ex.Fault.Reason, ex.Fault.Message);
            this.DeactivateOnIdle();
            return IngestReply.Refused(Partition, ex.Fault);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Partition {Partition} opened: {Replayed} log records replayed in {Milliseconds:F0} ms")]
    private static partial void Opened(ILogger logger, int partition, long replayed, double milliseconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Partition {Partition} belongs on silo {Silo} now; it deactivates here and activates there on the next call")]
    private static partial void Moving(ILogger logger, int partition, string silo);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Partition {Partition} refused a write ({Reason}: {Message}); it deactivates and reopens on the next call")]
    private static partial void Unavailable(ILogger logger, int partition, string reason, string message);
}
