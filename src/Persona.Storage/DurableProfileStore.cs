using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Serialization;
using Persona.Storage.Apply;
using Persona.Storage.Backend;
using Persona.Storage.Cache;
using Persona.Storage.Checkpoints;
using Persona.Storage.DeadLetters;
using Persona.Storage.Dedupe;
using Persona.Storage.Faults;
using Persona.Storage.Log;
using Persona.Storage.Recovery;
using Persona.Storage.Retention;

namespace Persona.Storage;

/// <summary>
/// The exactly-once profile store, over any <see cref="IStoreBackend"/>. A batch of events is deduplicated
/// (<see cref="Deduplicator"/>), given log positions and chained per user (<see cref="EventLog"/>), written to
/// the log in one atomic, fsynced commit while its events are applied to the cached profiles on every core
/// (<see cref="BatchApplier"/>), and published only once both are done: acknowledged ⇒ in the durable log ⇒
/// reflected exactly once after any crash. Checkpoints (<see cref="Checkpointer"/>) bound what a restart replays
/// (<see cref="StoreRecovery"/>); retention (<see cref="RetentionCompactor"/>) bounds what the log keeps. A
/// failed write stops further writes (<see cref="Health"/>) while reads go on; a restart recovers from the log.
/// </summary>
public sealed class DurableProfileStore : IProfileStore, IStoreMaintenance
{
    private static readonly Func<ReadOnlySpan<byte>, ProfileState> DecodeProfile = ProfileCodec.Deserialize;
    private static readonly Func<ReadOnlySpan<byte>, long> AppliedSeqOf = ProfileCodec.ReadAppliedSeq;
    private readonly Lock _writeLock = new();
    private readonly SemaphoreSlim _maintenance = new(1, 1);
    private readonly StoreWrite _write = new();
    private StoreFault? _fault;
    private bool _disposed;
    private volatile bool _closing;
    private int _readers;

    private DurableProfileStore(IStoreBackend backend, DurableStoreOptions options, ProfileEngine engine, string where, TimeProvider clock, ILogger logger)
    {
        Backend = backend;
        Options = options;
        Engine = engine;
        Where = where;
        Clock = clock;
        Logger = logger;
        Log = new EventLog(backend.Log);
        Dedupe = new Deduplicator(options.DedupeHorizon, options.DedupeIndexBytes, Log.EventIdAt, backend, ex => Fail(ex, StoreFaultKind.WriteFailed));
        Cache = new ProfileCache(backend.Profiles, new KeyFilter(1 << 18, options.UserFilterBytes), options.ProfileCacheBytes);
        Applier = new BatchApplier(engine, Catalog);
        Checkpoints = new Checkpointer(backend, Cache, Catalog, Log, Dedupe, options, clock, logger, ex => Fail(ex, StoreFaultKind.WriteFailed));
        DeadLetterBook = new DeadLetterBook(backend.DeadLetters, options.DeadLetterBytes, options.DeadLetterRetention);
        Retention = new RetentionCompactor(this);
    }

    public ProfileEngine Engine { get; }

    public CatalogIndex Catalog { get; } = new();

    public StoreStats Stats => new()
    {
        LogPosition = Log.Position,
        CheckpointPosition = Checkpoints.Completed.Position,
        CachedProfiles = Cache.Count,
        CachedProfileBytes = Cache.Bytes,
        DeadLetters = DeadLetterBook.Count,
        DeadLetterBytes = DeadLetterBook.Bytes,
        NewestEventTimeMs = Dedupe.WatermarkMs == long.MinValue ? 0 : Dedupe.WatermarkMs,
        DedupeEntries = Dedupe.Index.Count,
        DedupeBytes = Dedupe.Index.Bytes,
        DedupeFloorMs = Dedupe.FloorMs == long.MinValue ? 0 : Dedupe.FloorMs,
        DedupeDiskLookups = Dedupe.Cold?.Lookups ?? 0,
    };

    public StoreHealth Health => Volatile.Read(ref _fault) is { } fault ? new StoreHealth(fault) : StoreHealth.Healthy;

    internal IStoreBackend Backend { get; }

    internal DurableStoreOptions Options { get; }

    internal string Where { get; }

    internal TimeProvider Clock { get; }

    internal ILogger Logger { get; }

    internal EventLog Log { get; }

    internal Deduplicator Dedupe { get; }

    internal ProfileCache Cache { get; }

    internal BatchApplier Applier { get; }

    internal Checkpointer Checkpoints { get; }

    internal DeadLetterBook DeadLetterBook { get; }

    internal RetentionCompactor Retention { get; }

    internal Lock WriteLock => _writeLock;

    internal SemaphoreSlim Maintenance => _maintenance;

    internal bool Disposed => _disposed;

    /// <summary>What <see cref="StoreRecovery"/> found on open: log records read, and how many of them were replayed.</summary>
    public (long Scanned, long Replayed) Recovered { get; internal set; }

    /// <summary>
    /// Opens a store over <paramref name="backend"/> (which it then owns): checks the manifest, loads the catalog
    /// and recovers profiles from the last checkpoint and the log. <paramref name="where"/> names it in messages.
    /// </summary>
    public static DurableProfileStore Open(IStoreBackend backend, DurableStoreOptions options, ProfileEngine engine, string where, TimeProvider? clock = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        options.Validate();
        var store = new DurableProfileStore(backend, options, engine, where, clock ?? TimeProvider.System, logger ?? NullLogger.Instance);
        try
        {
            StoreRecovery.Run(store);
        }
        catch
        {
            store.Cache.Dispose();
            backend.Dispose();
            throw;
        }

        return store;
    }

    public IngestResult Ingest(ParsedBatch<BehaviorEvent> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_writeLock)
        {
            ThrowIfUnavailable();
            var input = batch.Accepted;
            var errors = new List<RecordError>(batch.Rejected);
            var deadRaw = new List<(RecordError, string)>(batch.Rejected.Select((r, i) => (r, batch.RejectedRaw[i])));

            // 1. Which records are new, which repeat a logged event, which are too old to tell.
            var fingerprints = new ulong[input.Count];
            var duplicate = new bool[input.Count];
            var tooOld = new bool[input.Count];
            Dedupe.Classify(input, fingerprints, duplicate, tooOld);
            var accepted = new List<(long Seq, BehaviorEvent Event)>(input.Count);
            var acceptedFingerprints = new List<ulong>(input.Count);
            var duplicates = 0;
            var batchWatermark = long.MinValue;
            var next = Log.Position;
            for (var i = 0; i < input.Count; i++)
            {
                var (index, e) = input[i];
                if (tooOld[i])
                {
                    var error = new RecordError(index, e.EventId, [Dedupe.TooOldReason(e.TimestampMs)]);
                    errors.Add(error);
                    deadRaw.Add((error, JsonSerializer.Serialize(e, StoreJson.Options)));
                }
                else if (duplicate[i])
                {
                    duplicates++;
                }
                else
                {
                    accepted.Add((next + accepted.Count + 1, e));
                    acceptedFingerprints.Add(fingerprints[i]);
                    batchWatermark = Math.Max(batchWatermark, e.TimestampMs);
                }
            }

            // 2. By user, on every core: each event's record, chained to the user's previous one.
            var n = accepted.Count;
            var partitions = Partitions.For(n);
            var partition = new int[n];
            for (var i = 0; i < n; i++)
            {
                partition[i] = (accepted[i].Event.UserId.GetHashCode() & int.MaxValue) % partitions;
            }

            var entries = new CachedProfile[n];
            var previous = new long[n];
            var tick = Cache.Tick();
            _write.Clear();
            try
            {
                Log.Encode(accepted, partition, partitions, user => Cache.GetOrLoad(user, tick), entries, previous, _write);
            }
            catch (Exception ex)
            {
                // A profile could not be read back from its checkpoint: nothing is logged; the chain heads go back.
                EventLog.Rollback(entries, previous, n);
                throw Fail(ex, StoreFaultKind.WriteFailed);
            }

            DeadLetterBook.Add(_write, deadRaw, Clock.GetUtcNow());
            AddFeatureNames(accepted, _write);

            // 3. The log write (fsync) runs while the events are applied, by user on every core, into buffers. The
            // new profiles are published only once the log write is durable, and the call returns only once the
            // write has finished, whatever happened meanwhile.
            var faults = Options.Faults;
            var commit = _write.IsEmpty ? Task.CompletedTask : Task.Run(() =>
            {
                faults?.Hit(FaultPoint.BeforeLogCommit);
                Backend.Commit(_write, durable: true);
            });
            Exception? applyFailure = null;
            try
            {
                faults?.Hit(FaultPoint.Apply);
                Applier.Compute(accepted, entries, partition, partitions);
                faults?.Hit(FaultPoint.Applied);
            }
            catch (Exception ex)
            {
                applyFailure = ex;
            }

            if (WaitFor(commit) is { } commitFailure)
            {
                EventLog.Rollback(entries, previous, n);
                Applier.Discard();
                DeadLetterBook.Discard();
                throw Fail(commitFailure, StoreFaultKind.WriteFailed);
            }

            // 4. The batch is in the log: from here, anything that fails stops the store (a restart replays it).
            try
            {
                if (applyFailure is not null)
                {
                    throw Fail(applyFailure, StoreFaultKind.ApplyFailed);
                }

                faults?.Hit(FaultPoint.AfterLogCommit);
                Log.Advance(n);
                Cache.Account(Applier.Publish(Checkpoints.MarkDirty));
                if (n > 0)
                {
                    Dedupe.Accept(accepted.ConvertAll(a => a.Seq), acceptedFingerprints, batchWatermark, Log.Position);
                    Checkpoints.Counted(n);
                }

                DeadLetterBook.Committed();
            }
            catch (Exception ex) when (ex is not StoreUnavailableException)
            {
                throw Fail(ex, StoreFaultKind.ApplyFailed);
            }
            finally
            {
                Applier.Discard();
            }

            AfterCommit();
            errors.Sort((a, b) => a.Index.CompareTo(b.Index));
            return new IngestResult(n, duplicates, errors.Count, errors);
        }
    }

    /// <summary>
    /// Inserts or replaces catalog items. The change takes a log position of its own, so that replay applies
    /// every later event with it and every earlier one without it; the stored items follow at the next checkpoint.
    /// </summary>
    public IngestResult UpsertItems(ParsedBatch<CatalogItem> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_writeLock)
        {
            ThrowIfUnavailable();
            var items = batch.Accepted.Select(a => a.Record).ToList();
            _write.Clear();
            if (items.Count > 0)
            {
                _write.LogRecords.Add(new LogEntry(Log.Position + 1, LogRecord.Items(items)));
            }

            CommitRecords(batch);
            try
            {
                if (items.Count > 0)
                {
                    Log.Advance(1);
                    Catalog.Upsert(items);
                    Checkpoints.ItemsChanged(items.Select(i => i.ItemId));
                    Checkpoints.Counted(1);
                    Dedupe.Mark(Log.Position);
                }

                DeadLetterBook.Committed();
            }
            catch (Exception ex)
            {
                throw Fail(ex, StoreFaultKind.ApplyFailed);
            }

            AfterCommit();
            return new IngestResult(items.Count, 0, batch.Rejected.Count, batch.Rejected);
        }
    }

    public IngestResult UpsertUsers(ParsedBatch<UserRecord> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_writeLock)
        {
            ThrowIfUnavailable();
            _write.Clear();
            foreach (var (_, user) in batch.Accepted)
            {
                _write.Users.Add(new KeyedValue(user.UserId, JsonSerializer.SerializeToUtf8Bytes(user, StoreJson.Options)));
            }

            CommitRecords(batch);
            DeadLetterBook.Committed();
            AfterCommit();
            return new IngestResult(batch.Accepted.Count, 0, batch.Rejected.Count, batch.Rejected);
        }
    }

    public T? Read<T>(string userId, Func<ProfileState, T> read)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        EnterRead();
        try
        {
            return Cache.TryRead(userId, DecodeProfile, out var state) ? read(state) : null;
        }
        finally
        {
            ExitRead();
        }
    }

    public bool IsInMemory(string userId) => Cache.IsInMemory(userId);

    public UserRecord? FindUser(string userId)
    {
        EnterRead();
        try
        {
            var bytes = Backend.Records.ReadUser(userId);
            return bytes is null ? null : JsonSerializer.Deserialize<UserRecord>(bytes, StoreJson.Options);
        }
        finally
        {
            ExitRead();
        }
    }

    public IReadOnlyList<BehaviorEvent> History(string userId, int max = 10_000)
    {
        EnterRead();
        try
        {
            return Log.History(Cache.TryRead(userId, AppliedSeqOf, out var head) ? head : 0, max);
        }
        finally
        {
            ExitRead();
        }
    }

    public long LogPosition => Log.Position;

    public IReadOnlyList<LoggedEvent> ReadLog(long afterSeq, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSeq);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        EnterRead();
        try
        {
            return Log.Read(afterSeq, Log.Position, max);
        }
        finally
        {
            ExitRead();
        }
    }

    public void VisitUsers(Action<string> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        EnterRead();
        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var user in Cache.UserIds())
            {
                if (seen.Add(user))
                {
                    visitor(user);
                }
            }

            Backend.Profiles.ScanUserIds(id =>
            {
                var user = Encoding.UTF8.GetString(id);
                if (seen.Add(user))
                {
                    visitor(user);
                }
            });
        }
        finally
        {
            ExitRead();
        }
    }

    public IReadOnlyList<DeadLetter> DeadLetters(int max = 100)
    {
        EnterRead();
        try
        {
            return DeadLetterBook.Newest(max);
        }
        finally
        {
            ExitRead();
        }
    }

    /// <summary>Writes a checkpoint of every changed profile and item now, and trims the cache to its budget.</summary>
    public void Checkpoint()
    {
        lock (_writeLock)
        {
            ThrowIfUnavailable();
            Checkpoints.Start(wait: true, Options.Faults);
        }
    }

    public void CheckpointIfDue()
    {
        lock (_writeLock)
        {
            if (!_disposed && Volatile.Read(ref _fault) is null && Checkpoints.Due)
            {
                Checkpoints.Start(wait: false, Options.Faults);
            }
        }
    }

    public long CompactRetention() => Retention.Run();

    /// <summary>Checkpoints (unless the store has failed: then the log is the truth, and the next open replays it) and closes the backend.</summary>
    public void Dispose() => Close(checkpoint: true);

    /// <summary>
    /// Stops as a crash would: no checkpoint, no flush; a checkpoint in flight is let finish (as it could have
    /// before a crash). For tests of recovery.
    /// </summary>
    internal void Abandon() => Close(checkpoint: false);

    private void Close(bool checkpoint)
    {
        _maintenance.Wait();
        try
        {
            lock (_writeLock)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _closing = true;
                SpinWait.SpinUntil(() => Volatile.Read(ref _readers) == 0); // reads in flight finish before memory and handles go
                try
                {
                    if (checkpoint && Volatile.Read(ref _fault) is null)
                    {
                        Checkpoints.Start(wait: true, Options.Faults);
                    }
                    else
                    {
                        Checkpoints.AwaitWrite();
                    }
                }
                finally
                {
                    Dedupe.Cold?.Drain(); // a spill in flight writes to the backend
                    Cache.Dispose();
                    Backend.Dispose();
                }
            }
        }
        finally
        {
            _maintenance.Release();
        }
    }

    /// <summary>Records the store's failure (the first one wins) and returns the exception to throw.</summary>
    internal StoreUnavailableException Fail(Exception cause, StoreFaultKind kind)
    {
        var fault = new StoreFault(kind == StoreFaultKind.WriteFailed ? Backend.Classify(cause) : kind, cause.Message, Clock.GetUtcNow());
        if (Interlocked.CompareExchange(ref _fault, fault, null) is null)
        {
            StoreLog.Failed(Logger, fault.Reason, fault.Message, cause);
        }

        return new StoreUnavailableException(Volatile.Read(ref _fault)!, cause);
    }

    internal void ThrowIfUnavailable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _fault) is { } fault)
        {
            throw new StoreUnavailableException(fault);
        }
    }

    /// <summary>Counts a read in flight (so that closing waits for it); throws once the store is closing.</summary>
    private void EnterRead()
    {
        Interlocked.Increment(ref _readers);
        if (_closing)
        {
            Interlocked.Decrement(ref _readers);
            throw new ObjectDisposedException(nameof(DurableProfileStore));
        }
    }

    private void ExitRead() => Interlocked.Decrement(ref _readers);

    /// <summary>Waits for a task whatever its outcome; returns its failure, if any.</summary>
    private static Exception? WaitFor(Task task)
    {
        try
        {
            task.GetAwaiter().GetResult();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>Commits <see cref="_write"/> (prepared records) with the batch's dead letters; a failure stops the store.</summary>
    private void CommitRecords<T>(ParsedBatch<T> batch)
    {
        DeadLetterBook.Add(_write, batch.Rejected.Select((r, i) => (r, batch.RejectedRaw[i])), Clock.GetUtcNow());
        if (_write.IsEmpty)
        {
            return;
        }

        try
        {
            Options.Faults?.Hit(FaultPoint.BeforeLogCommit);
            Backend.Commit(_write, durable: true);
        }
        catch (Exception ex)
        {
            DeadLetterBook.Discard();
            throw Fail(ex, StoreFaultKind.WriteFailed);
        }
    }

    /// <summary>
    /// After a batch is in: dead letters beyond their budget go, and a checkpoint starts when due. The batch
    /// stands whatever happens here; a failed delete stops later writes.
    /// </summary>
    private void AfterCommit()
    {
        try
        {
            DeadLetterBook.ExpireOverBudget();
        }
        catch (Exception ex)
        {
            _ = Fail(ex, StoreFaultKind.WriteFailed);
            return;
        }

        if (Checkpoints.Due)
        {
            Checkpoints.Start(wait: false, Options.Faults);
        }
    }

    /// <summary>Adds the names of preference features the catalog does not know yet, so that they survive a restart.</summary>
    private void AddFeatureNames(List<(long Seq, BehaviorEvent Event)> accepted, StoreWrite write)
    {
        HashSet<ulong>? added = null;
        foreach (var (_, e) in accepted)
        {
            if (e.Type != (byte)EventType.Preference)
            {
                continue;
            }

            foreach (var (kind, name) in ProfileEngine.PreferenceFeatures(e))
            {
                var id = FeatureId.Of(kind, name);
                if (Catalog.FeatureName(id) is null && (added ??= []).Add(id))
                {
                    write.Meta.Add(new KeyedValue(FeatureNames.Key(id), Encoding.UTF8.GetBytes(FeatureId.Key(kind, name))));
                }
            }
        }
    }
}
