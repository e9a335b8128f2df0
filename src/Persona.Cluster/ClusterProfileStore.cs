using System.Text.Json;
using Persona.Cluster.Following;
using Persona.Cluster.Grains;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Serialization;

namespace Persona.Cluster;

/// <summary>
/// The store as every silo's serving stack sees it: one <see cref="IProfileStore"/> over all partitions. Writes
/// and per-user reads go to the partition that owns the user (<see cref="PartitionMap"/>), wherever Orleans has
/// activated it; a batch is split by partition and its parts sent at once, and the call returns when every part
/// is durable. A part refused by a superseded activation is sent again (nothing of it was kept). A part that fails
/// (its owner died, its store lost Redis, or it stayed superseded) fails the whole call
/// with <see cref="StoreUnavailableException"/>, though other parts may be durable: a client resends the batch,
/// and the partitions' deduplication counts those parts as duplicates (exactly once per event; a batch is not
/// all-or-nothing). Catalog changes go to every partition, so that each one's log orders them with its events.
/// The log that followers read is the silo's <see cref="MergedLog"/>; cluster-wide lists (users, dead letters,
/// stats) ask every partition.
/// </summary>
public sealed partial class ClusterProfileStore(
    IGrainFactory grains, PartitionMap map, MergedLog log, ProfileEngine engine, TimeProvider clock, ILogger<ClusterProfileStore> logger) : IProfileStore, IStoreMaintenance
{
    private const int SupersededRetries = 5;
    private static readonly TimeSpan StatusTtl = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SupersededBackoff = TimeSpan.FromMilliseconds(50);
    private readonly Lock _statusLock = new();
    private (PartitionStatus?[] Parts, long At)? _status;

    public ProfileEngine Engine => engine;

    public CatalogIndex Catalog => log.Catalog;

    public long LogPosition => log.Head;

    public StoreStats Stats
    {
        get
        {
            var parts = Statuses().OfType<PartitionStatus>().Where(p => p.Fault is null || p.Silo.Length > 0).ToList();
            return new StoreStats
            {
                LogPosition = parts.Sum(p => p.LogPosition),
                CheckpointPosition = parts.Sum(p => p.CheckpointPosition),
                CachedProfiles = parts.Sum(p => p.CachedProfiles),
                CachedProfileBytes = parts.Sum(p => p.CachedProfileBytes),
                DeadLetters = parts.Sum(p => p.DeadLetters),
                DeadLetterBytes = parts.Sum(p => p.DeadLetterBytes),
                NewestEventTimeMs = parts.Count == 0 ? 0 : parts.Max(p => p.NewestEventTimeMs),
                DedupeEntries = parts.Sum(p => p.DedupeEntries),
                DedupeBytes = parts.Sum(p => p.DedupeBytes),
            };
        }
    }

    /// <summary>
    /// Healthy when every partition accepts writes; otherwise the first fault found: a partition whose store has
    /// failed, or one that cannot be reached (its silo gone and not yet replaced). A partition that is merely slow
    /// to answer (a loaded machine) is not a fault.
    /// </summary>
    public StoreHealth Health
    {
        get
        {
            var parts = Statuses();
            for (var p = 0; p < parts.Length; p++)
            {
                if (parts[p] is { Fault: { } fault })
                {
                    return new StoreHealth(new StoreFault(StoreFaultKind.WriteFailed, $"partition {p}: {fault}", clock.GetUtcNow()));
                }
            }

            return StoreHealth.Healthy;
        }
    }

    public IngestResult Ingest(ParsedBatch<BehaviorEvent> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var result = Split(batch, e => e.UserId, EventCodec.Serialize, (g, w) => g.Ingest(w));
        log.Wake();
        return result;
    }

    public IngestResult UpsertItems(ParsedBatch<CatalogItem> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var all = Enumerable.Range(0, batch.Accepted.Count).ToList();
        var replies = Wait(Enumerable.Range(0, map.Count)
            .Select(p => Send(p, WireCodec.From(batch, all, withRejected: p == 0, WireCodec.Encode), (g, w) => g.UpsertItems(w))));
        log.Catalog.Upsert(batch.Accepted.Select(a => a.Record));
        return Combine([replies[0]]);
    }

    public IngestResult UpsertUsers(ParsedBatch<UserRecord> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Split(batch, u => u.UserId, WireCodec.Encode, (g, w) => g.UpsertUsers(w));
    }

    public T? Read<T>(string userId, Func<ProfileState, T> read)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        var bytes = Wait(Owner(userId).Profile(userId));
        return bytes is null ? null : read(ProfileCodec.Deserialize(bytes));
    }

    /// <summary>Always false: a profile is read from its partition's owner, another process in general.</summary>
    public bool IsInMemory(string userId) => false;

    public UserRecord? FindUser(string userId) =>
        Wait(Owner(userId).User(userId)) is { } json ? JsonSerializer.Deserialize<UserRecord>(json, WireCodec.Json) : null;

    /// <summary>
    /// Erases the user in every partition: their profile, record and events are in their own partition, but a
    /// rejected record of theirs may have been dead-lettered in partition 0 (or in another, under an earlier map).
    /// </summary>
    public ErasureResult EraseUser(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var parts = Wait(Enumerable.Range(0, map.Count).Select(p => Partition(p).EraseUser(userId)));
        return new ErasureResult(parts.Any(r => r[0] == 1), parts.Sum(r => r[1]), (int)parts.Sum(r => r[2]));
    }

    public IReadOnlyList<BehaviorEvent> History(string userId, int max = 10_000) =>
        [.. Wait(Owner(userId).History(userId, max)).Select(b => EventCodec.Deserialize(b))];

    public IReadOnlyList<DeadLetter> DeadLetters(int max = 100) =>
        [.. Wait(Enumerable.Range(0, map.Count).Select(p => Partition(p).DeadLetters(max)))
            .SelectMany(json => JsonSerializer.Deserialize<List<DeadLetter>>(json, WireCodec.Json) ?? [])
            .OrderByDescending(d => d.ReceivedAt)
            .Take(max)];

    public IReadOnlyList<LoggedEvent> ReadLog(long afterSeq, int max) => log.Read(afterSeq, max);

    public void VisitUsers(Action<string> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        foreach (var ids in Wait(Enumerable.Range(0, map.Count).Select(p => Partition(p).UserIds())))
        {
            foreach (var id in ids)
            {
                visitor(id);
            }
        }
    }

    /// <summary>Asks every partition to checkpoint if its own interval or count has passed.</summary>
    public void CheckpointIfDue() => Wait(Enumerable.Range(0, map.Count).Select(p => Partition(p).CheckpointIfDue()));

    public long CompactRetention() => Wait(Enumerable.Range(0, map.Count).Select(p => Partition(p).CompactRetention())).Sum();

    /// <summary>Every partition rewrites its Redis data; they share one Redis, so the first rewrite covers them all and the rest are cheap.</summary>
    public void Purge() => Wait(Enumerable.Range(0, map.Count).Select(p => Partition(p).Purge()));

    /// <summary>The partitions' grains are the silo's to keep; nothing to release here.</summary>
    public void Dispose()
    {
    }

    private IPartitionGrain Partition(int p) => grains.GetGrain<IPartitionGrain>(p);

    private IPartitionGrain Owner(string userId) => Partition(map.Of(userId));

    /// <summary>Sends each partition its records (the rejected ones to partition 0) and combines the replies.</summary>
    private IngestResult Split<T>(ParsedBatch<T> batch, Func<T, string> userOf, Func<T, byte[]> encode, Func<IPartitionGrain, WireBatch, Task<IngestReply>> send)
    {
        var byPartition = new Dictionary<int, List<int>>();
        for (var i = 0; i < batch.Accepted.Count; i++)
        {
            var p = map.Of(userOf(batch.Accepted[i].Record));
            if (!byPartition.TryGetValue(p, out var list))
            {
                byPartition[p] = list = [];
            }

            list.Add(i);
        }

        if (batch.Rejected.Count > 0 && !byPartition.ContainsKey(0))
        {
            byPartition[0] = [];
        }

        var replies = Wait(byPartition.Select(kv => Send(kv.Key, WireCodec.From(batch, kv.Value, withRejected: kv.Key == 0, encode), send)));
        return Combine(replies);
    }

    /// <summary>
    /// Sends a partition its part, again when the answer is <see cref="IngestReply.Superseded"/>: an activation
    /// whose store another activation took over (two activations for a moment while membership settles, or a
    /// stale one after a failover) kept nothing and has gone, so the next call reaches the store's owner.
    /// </summary>
    private async Task<IngestReply> Send(int p, WireBatch part, Func<IPartitionGrain, WireBatch, Task<IngestReply>> send)
    {
        var reply = await send(Partition(p), part);
        for (var attempt = 1; reply.Superseded && attempt <= SupersededRetries; attempt++)
        {
            PartitionSuperseded(logger, p, attempt);
            await Task.Delay(SupersededBackoff * attempt, clock);
            reply = await send(Partition(p), part);
        }

        return reply;
    }

    private IngestResult Combine(IReadOnlyList<IngestReply> replies)
    {
        if (replies.FirstOrDefault(r => r.Unavailable is not null) is { } failed)
        {
            throw new StoreUnavailableException(new StoreFault(StoreFaultKind.WriteFailed, failed.Unavailable!, clock.GetUtcNow()));
        }

        return new IngestResult(
            replies.Sum(r => r.Accepted),
            replies.Sum(r => r.Duplicate),
            replies.Sum(r => r.Rejected),
            [.. replies.SelectMany(r => r.Errors).Select(e => e.ToRecordError()).OrderBy(e => e.Index)])
        {
            Withheld = replies.Sum(r => r.Withheld),
        };
    }

    /// <summary>Each partition's status, or null for one that did not answer; cached briefly (health and metrics ask often).</summary>
    private PartitionStatus?[] Statuses()
    {
        lock (_statusLock)
        {
            var now = clock.GetTimestamp();
            if (_status is { } cached && clock.GetElapsedTime(cached.At, now) < StatusTtl)
            {
                return cached.Parts;
            }
        }

        var parts = new PartitionStatus?[map.Count];
        var calls = Enumerable.Range(0, map.Count).Select(async p =>
        {
            try
            {
                parts[p] = await Partition(p).Status().WaitAsync(StatusTimeout);
            }
            catch (TimeoutException)
            {
                // Slow, not gone: no status this time.
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                NoStatus(logger, p, ex.Message);
                parts[p] = UnreachableStatus(p, ex);
            }
        });
        Task.WhenAll(calls).GetAwaiter().GetResult();
        lock (_statusLock)
        {
            _status = (parts, clock.GetTimestamp());
        }

        return parts;
    }

    /// <summary>The status of a partition whose call failed: no counters, and the failure as its fault.</summary>
    private static PartitionStatus UnreachableStatus(int p, Exception ex) =>
        new(0, 0, 0, 0, 0, 0, 0, 0, 0, $"partition {p} cannot be reached ({ex.GetType().Name})", string.Empty);

    /// <summary>Waits for a partition's answer; a partition that cannot be reached makes the store unavailable for this call.</summary>
    private T Wait<T>(Task<T> call)
    {
        try
        {
            return call.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not StoreUnavailableException and not ArgumentException)
        {
            throw Unreachable(ex);
        }
    }

    private T[] Wait<T>(IEnumerable<Task<T>> calls) => Wait(Task.WhenAll(calls));

    private void Wait(IEnumerable<Task> calls)
    {
        try
        {
            Task.WhenAll(calls).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not StoreUnavailableException and not ArgumentException)
        {
            throw Unreachable(ex);
        }
    }

    private StoreUnavailableException Unreachable(Exception ex)
    {
        var cause = ex is AggregateException { InnerException: { } inner } ? inner : ex;
        PartitionFailed(logger, cause.GetType().Name, cause.Message);
        return new StoreUnavailableException(new StoreFault(StoreFaultKind.WriteFailed, $"a partition could not be reached ({cause.Message})", clock.GetUtcNow()), cause);
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "A partition call failed ({Type}: {Message})")]
    private static partial void PartitionFailed(ILogger logger, string type, string message);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Partition {Partition} answered from a superseded activation; sending its part again (attempt {Attempt})")]
    private static partial void PartitionSuperseded(ILogger logger, int partition, int attempt);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Partition {Partition} gave no status ({Message})")]
    private static partial void NoStatus(ILogger logger, int partition, string message);
}
