using System.Diagnostics.CodeAnalysis;
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
using Persona.Storage.Dedupe;
using Persona.Storage.Encryption;
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
/// The store's state lives in its parts (<see cref="StoreParts"/>), which recovery rebuilds on open; who may
/// write, and whether the store still can, in its gate (<see cref="StoreGate"/>), which retention shares.
/// </summary>
public sealed class DurableProfileStore : IProfileStore, IStoreMaintenance
{
    private static readonly Func<ReadOnlySpan<byte>, ProfileState> DecodeProfile = ProfileCodec.Deserialize;
    private static readonly Func<ReadOnlySpan<byte>, long> AppliedSeqOf = ProfileCodec.ReadAppliedSeq;
    private readonly StoreParts _parts;
    private readonly StoreGate _gate;
    private readonly RetentionCompactor _retention;
    private readonly StoreWrite _write = new();
    private int _readers;

    private DurableProfileStore(ProfileEngine engine, StoreParts parts, StoreGate gate, RecoveryOutcome recovered)
    {
        Engine = engine;
        _parts = parts;
        _gate = gate;
        _retention = new RetentionCompactor(gate, parts.Backend.Log, parts.Dedupe, parts.Checkpoints, parts.DeadLetters, parts.Options, parts.Clock, parts.Logger, recovered.DeletedThrough);
        Recovered = (recovered.Scanned, recovered.Replayed);
    }

    public ProfileEngine Engine { get; }

    public CatalogIndex Catalog => _parts.Catalog;

    public StoreStats Stats => new()
    {
        LogPosition = _parts.Log.Position,
        CheckpointPosition = _parts.Checkpoints.Completed.Position,
        CachedProfiles = _parts.Cache.Count,
        CachedProfileBytes = _parts.Cache.Bytes,
        DeadLetters = _parts.DeadLetters.Count,
        DeadLetterBytes = _parts.DeadLetters.Bytes,
        NewestEventTimeMs = _parts.Dedupe.WatermarkMs == long.MinValue ? 0 : _parts.Dedupe.WatermarkMs,
        DedupeEntries = _parts.Dedupe.Index.Count,
        DedupeBytes = _parts.Dedupe.Index.Bytes,
        DedupeFloorMs = _parts.Dedupe.FloorMs == long.MinValue ? 0 : _parts.Dedupe.FloorMs,
        DedupeDiskLookups = _parts.Dedupe.Cold?.Lookups ?? 0,
        UnprofiledEvents = _parts.OptOuts.WithheldEvents,
        ProfilingWithheld = _parts.OptOuts.Count,
    };

    public StoreHealth Health => _gate.Health;

    /// <summary>What <see cref="StoreRecovery"/> found on open: log records read, and how many of them were replayed.</summary>
    public (long Scanned, long Replayed) Recovered { get; }

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
        clock ??= TimeProvider.System;
        logger ??= NullLogger.Instance;
        backend = StoreEncryption.Apply(backend, options.Encryption, where);

        var gate = new StoreGate(backend.Classify, clock, logger);
        var parts = StoreParts.Create(backend, options, engine, gate, clock, logger);
        RecoveryOutcome recovered;
        try
        {
            recovered = StoreRecovery.Run(parts, engine.Config, where);
        }
        catch
        {
            parts.Cache.Dispose();
            backend.Dispose();
            throw;
        }

        return new DurableProfileStore(engine, parts, gate, recovered);
    }

    [SuppressMessage("Maintainability", "CA1506:Avoid excessive class coupling", Justification = "The ingest path runs every part of the protocol in order under one lock (dedupe, log, apply, commit, publish); kept in one method so the order is read in one place")]
    public IngestResult Ingest(ParsedBatch<BehaviorEvent> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate.WriteLock)
        {
            _gate.ThrowIfUnavailable();
            var input = batch.Accepted;
            var withheld = 0;
            if (_parts.OptOuts.Count > 0)
            {
                var profiled = input.Where(a => !_parts.OptOuts.Contains(a.Record.UserId)).ToList();
                withheld = input.Count - profiled.Count;
                input = profiled;
            }

            var errors = new List<RecordError>(batch.Rejected);
            var deadRaw = new List<(RecordError, string)>(batch.Rejected.Select((r, i) => (r, batch.RejectedRaw[i])));

            // 1. Which records are new, which repeat a logged event, which are too old to tell.
            var fingerprints = new ulong[input.Count];
            var duplicate = new bool[input.Count];
            var tooOld = new bool[input.Count];
            _parts.Dedupe.Classify(input, fingerprints, duplicate, tooOld);
            var accepted = new List<(long Seq, BehaviorEvent Event)>(input.Count);
            var acceptedFingerprints = new List<ulong>(input.Count);
            var duplicates = 0;
            var batchWatermark = long.MinValue;
            var next = _parts.Log.Position;
            for (var i = 0; i < input.Count; i++)
            {
                var (index, e) = input[i];
                if (tooOld[i])
                {
                    var error = new RecordError(index, e.EventId, [_parts.Dedupe.TooOldReason(e.TimestampMs)]);
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
            var tick = _parts.Cache.Tick();
            _write.Clear();
            try
            {
                _parts.Log.Encode(accepted, partition, partitions, user => _parts.Cache.GetOrLoad(user, tick), entries, previous, _write);
            }
            catch (Exception ex)
            {
                // A profile could not be read back from its checkpoint: nothing is logged; the chain heads go back.
                EventLog.Rollback(entries, previous, n);
                throw _gate.Fail(ex, StoreFaultKind.WriteFailed);
            }

            _parts.DeadLetters.Add(_write, deadRaw, _parts.Clock.GetUtcNow());
            AddFeatureNames(accepted, _write);

            // 3. The log write (fsync) runs while the events are applied, by user on every core, into buffers. The
            // new profiles are published only once the log write is durable, and the call returns only once the
            // write has finished, whatever happened meanwhile.
            var faults = _parts.Options.Faults;
            var commit = _write.IsEmpty ? Task.CompletedTask : Task.Run(() =>
            {
                faults?.Hit(FaultPoint.BeforeLogCommit);
                _parts.Backend.Commit(_write, durable: true);
            });
            Exception? applyFailure = null;
            try
            {
                faults?.Hit(FaultPoint.Apply);
                _parts.Applier.Compute(accepted, entries, partition, partitions);
                faults?.Hit(FaultPoint.Applied);
            }
            catch (Exception ex)
            {
                applyFailure = ex;
            }

            if (WaitFor(commit) is { } commitFailure)
            {
                EventLog.Rollback(entries, previous, n);
                _parts.Applier.Discard();
                _parts.DeadLetters.Discard();
                throw _gate.Fail(commitFailure, StoreFaultKind.WriteFailed);
            }

            // 4. The batch is in the log: from here, anything that fails stops the store (a restart replays it).
            try
            {
                if (applyFailure is not null)
                {
                    throw _gate.Fail(applyFailure, StoreFaultKind.ApplyFailed);
                }

                faults?.Hit(FaultPoint.AfterLogCommit);
                _parts.Log.Advance(n);
                _parts.Cache.Account(_parts.Applier.Publish(_parts.Checkpoints.MarkDirty));
                if (n > 0)
                {
                    _parts.Dedupe.Accept(accepted.ConvertAll(a => a.Seq), acceptedFingerprints, batchWatermark, _parts.Log.Position);
                    _parts.Checkpoints.Counted(n);
                }

                _parts.DeadLetters.Committed();
            }
            catch (Exception ex) when (ex is not StoreUnavailableException)
            {
                throw _gate.Fail(ex, StoreFaultKind.ApplyFailed);
            }
            finally
            {
                _parts.Applier.Discard();
            }

            AfterCommit();
            _parts.OptOuts.Withheld(withheld);
            errors.Sort((a, b) => a.Index.CompareTo(b.Index));
            return new IngestResult(n + withheld, duplicates, errors.Count, errors) { Withheld = withheld };
        }
    }

    /// <summary>
    /// Inserts or replaces catalog items. The change takes a log position of its own, so that replay applies
    /// every later event with it and every earlier one without it; the stored items follow at the next checkpoint.
    /// </summary>
    public IngestResult UpsertItems(ParsedBatch<CatalogItem> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate.WriteLock)
        {
            _gate.ThrowIfUnavailable();
            var items = batch.Accepted.Select(a => a.Record).ToList();
            _write.Clear();
            if (items.Count > 0)
            {
                _write.LogRecords.Add(new LogEntry(_parts.Log.Position + 1, LogRecord.Items(items)));
            }

            CommitRecords(batch);
            try
            {
                if (items.Count > 0)
                {
                    _parts.Log.Advance(1);
                    _parts.Catalog.Upsert(items);
                    _parts.Checkpoints.ItemsChanged(items.Select(i => i.ItemId));
                    _parts.Checkpoints.Counted(1);
                    _parts.Dedupe.Mark(_parts.Log.Position);
                }

                _parts.DeadLetters.Committed();
            }
            catch (Exception ex)
            {
                throw _gate.Fail(ex, StoreFaultKind.ApplyFailed);
            }

            AfterCommit();
            return new IngestResult(items.Count, 0, batch.Rejected.Count, batch.Rejected);
        }
    }

    public IngestResult UpsertUsers(ParsedBatch<UserRecord> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate.WriteLock)
        {
            _gate.ThrowIfUnavailable();
            _write.Clear();
            var optingOut = new List<string>();
            foreach (var (_, user) in batch.Accepted)
            {
                _write.Users.Add(new KeyedValue(user.UserId, JsonSerializer.SerializeToUtf8Bytes(user, StoreJson.Options)));
                if (user.Withholds(UserRecord.ProfilingConsent) && !_parts.OptOuts.Contains(user.UserId) && !optingOut.Contains(user.UserId))
                {
                    optingOut.Add(user.UserId);
                }
            }

            // Withholding profiling deletes what was built: the profile and the events it was built from, in the
            // commit that stores the record (an erasure record takes a position when events go, as for an erasure).
            if (optingOut.Count > 0)
            {
                AwaitCheckpoint();
                foreach (var user in optingOut)
                {
                    _write.DeletedLogRecords.AddRange(ChainOf(user));
                    _write.DeletedProfiles.Add(user);
                }

                if (_write.DeletedLogRecords.Count > 0)
                {
                    _write.LogRecords.Add(new LogEntry(_parts.Log.Position + 1, LogRecord.Erasure()));
                }
            }

            CommitRecords(batch);
            try
            {
                foreach (var (_, user) in batch.Accepted)
                {
                    _parts.OptOuts.Update(user);
                }

                foreach (var user in optingOut)
                {
                    Forget(user);
                }

                if (_write.LogRecords.Count > 0)
                {
                    _parts.Log.Advance(1);
                    _parts.Checkpoints.Counted(1);
                    _parts.Dedupe.Mark(_parts.Log.Position);
                }
            }
            catch (Exception ex)
            {
                throw _gate.Fail(ex, StoreFaultKind.ApplyFailed);
            }

            _parts.DeadLetters.Committed();
            AfterCommit();
            return new IngestResult(batch.Accepted.Count, 0, batch.Rejected.Count, batch.Rejected);
        }
    }

    /// <summary>
    /// Erases a user in one durable commit: the records along their chain through the log, the dead letters that
    /// mention them, their profile snapshot and user record are deleted, and an erasure record takes the next
    /// position (so the log's newest position never goes back). A checkpoint in flight is waited for first, so
    /// none writes the profile back; the cached entry is dropped. The dedupe index keeps only fingerprints.
    /// </summary>
    public ErasureResult EraseUser(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        lock (_gate.WriteLock)
        {
            _gate.ThrowIfUnavailable();
            AwaitCheckpoint();
            var events = ChainOf(userId);
            var letters = _parts.DeadLetters.Mentioning(userId);
            var found = events.Count > 0 || letters.Count > 0 || _parts.Cache.ChainHead(userId) > 0 || _parts.Backend.Records.ReadUser(userId) is not null
                || _parts.Cache.TryRead(userId, static _ => true, out _);
            if (!found)
            {
                return new ErasureResult(false, 0, 0);
            }

            _write.Clear();
            _write.LogRecords.Add(new LogEntry(_parts.Log.Position + 1, LogRecord.Erasure()));
            _write.DeletedLogRecords.AddRange(events);
            _write.DeletedDeadLetters.AddRange(letters);
            _write.DeletedProfiles.Add(userId);
            _write.Users.Add(new KeyedValue(userId, null));
            try
            {
                _parts.Options.Faults?.Hit(FaultPoint.BeforeLogCommit);
                _parts.Backend.Commit(_write, durable: true);
            }
            catch (Exception ex)
            {
                throw _gate.Fail(ex, StoreFaultKind.WriteFailed);
            }

            try
            {
                _parts.Log.Advance(1);
                Forget(userId);
                _parts.DeadLetters.Removed(letters);
                _parts.Checkpoints.Counted(1);
                _parts.Dedupe.Mark(_parts.Log.Position);
            }
            catch (Exception ex)
            {
                throw _gate.Fail(ex, StoreFaultKind.ApplyFailed);
            }

            StoreLog.Erased(_parts.Logger, events.Count, letters.Count, _parts.Log.Position);
            return new ErasureResult(true, events.Count, letters.Count);
        }
    }

    /// <summary>Waits for the checkpoint in flight (it could write back a profile being deleted); throws when it failed.</summary>
    private void AwaitCheckpoint()
    {
        if (!_parts.Checkpoints.AwaitWrite())
        {
            _gate.ThrowIfUnavailable(); // the failed checkpoint stopped the store
        }
    }

    /// <summary>The log positions of the user's retained events, newest first, along their chain.</summary>
    private List<long> ChainOf(string userId)
    {
        var events = new List<long>();
        for (var seq = _parts.Cache.ChainHead(userId); seq > 0;)
        {
            var record = _parts.Backend.Log.Read(seq);
            if (record is null)
            {
                break; // older records went with retention
            }

            events.Add(seq);
            _ = LogRecord.ReadEvent(record, out seq);
        }

        return events;
    }

    /// <summary>Drops a deleted user's cached entry, so that no checkpoint writes it back.</summary>
    private void Forget(string userId)
    {
        if (_parts.Cache.Remove(userId) is { } entry)
        {
            _parts.Checkpoints.Forget(entry);
        }
    }

    /// <summary>Rewrites the backend's files without deleted data; runs outside the write lock, one maintenance task at a time.</summary>
    public void Purge()
    {
        _gate.Maintenance.Wait();
        try
        {
            _gate.ThrowIfUnavailable();
            _parts.Backend.Purge();
        }
        finally
        {
            _gate.Maintenance.Release();
        }
    }

    public T? Read<T>(string userId, Func<ProfileState, T> read)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        EnterRead();
        try
        {
            return _parts.Cache.TryRead(userId, DecodeProfile, out var state) ? read(state) : null;
        }
        finally
        {
            ExitRead();
        }
    }

    public bool IsInMemory(string userId) => _parts.Cache.IsInMemory(userId);

    public UserRecord? FindUser(string userId)
    {
        EnterRead();
        try
        {
            var bytes = _parts.Backend.Records.ReadUser(userId);
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
            return _parts.Log.History(_parts.Cache.TryRead(userId, AppliedSeqOf, out var head) ? head : 0, max);
        }
        finally
        {
            ExitRead();
        }
    }

    public long LogPosition => _parts.Log.Position;

    public IReadOnlyList<LoggedEvent> ReadLog(long afterSeq, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSeq);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        EnterRead();
        try
        {
            return _parts.Log.Read(afterSeq, _parts.Log.Position, max);
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
            foreach (var user in _parts.Cache.UserIds())
            {
                if (seen.Add(user))
                {
                    visitor(user);
                }
            }

            _parts.Backend.Profiles.ScanUserIds(id =>
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
            return _parts.DeadLetters.Newest(max);
        }
        finally
        {
            ExitRead();
        }
    }

    /// <summary>Writes a checkpoint of every changed profile and item now, and trims the cache to its budget.</summary>
    public void Checkpoint()
    {
        lock (_gate.WriteLock)
        {
            _gate.ThrowIfUnavailable();
            _parts.Checkpoints.Start(wait: true, _parts.Options.Faults);
        }
    }

    public void CheckpointIfDue()
    {
        lock (_gate.WriteLock)
        {
            if (_gate.IsWritable && _parts.Checkpoints.Due)
            {
                _parts.Checkpoints.Start(wait: false, _parts.Options.Faults);
            }
        }
    }

    public long CompactRetention() => _retention.Run();

    /// <summary>Checkpoints (unless the store has failed: then the log is the truth, and the next open replays it) and closes the backend.</summary>
    public void Dispose() => Close(checkpoint: true);

    /// <summary>
    /// Stops as a crash would: no checkpoint, no flush; a checkpoint in flight is let finish (as it could have
    /// before a crash). For tests of recovery.
    /// </summary>
    internal void Abandon() => Close(checkpoint: false);

    private void Close(bool checkpoint)
    {
        _gate.Maintenance.Wait();
        try
        {
            lock (_gate.WriteLock)
            {
                if (_gate.IsClosed)
                {
                    return;
                }

                _gate.Close();
                SpinWait.SpinUntil(() => Volatile.Read(ref _readers) == 0); // reads in flight finish before memory and handles go
                try
                {
                    if (checkpoint && _gate.Health.IsHealthy)
                    {
                        _parts.Checkpoints.Start(wait: true, _parts.Options.Faults);
                    }
                    else
                    {
                        _parts.Checkpoints.AwaitWrite();
                    }
                }
                finally
                {
                    _parts.Dedupe.Cold?.Drain(); // a spill in flight writes to the backend
                    _parts.Cache.Dispose();
                    _parts.Backend.Dispose();
                }
            }
        }
        finally
        {
            _gate.Maintenance.Release();
        }
    }

    /// <summary>Counts a read in flight (so that closing waits for it); throws once the store is closing.</summary>
    private void EnterRead()
    {
        Interlocked.Increment(ref _readers);
        if (_gate.IsClosed)
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
        _parts.DeadLetters.Add(_write, batch.Rejected.Select((r, i) => (r, batch.RejectedRaw[i])), _parts.Clock.GetUtcNow());
        if (_write.IsEmpty)
        {
            return;
        }

        try
        {
            _parts.Options.Faults?.Hit(FaultPoint.BeforeLogCommit);
            _parts.Backend.Commit(_write, durable: true);
        }
        catch (Exception ex)
        {
            _parts.DeadLetters.Discard();
            throw _gate.Fail(ex, StoreFaultKind.WriteFailed);
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
            _parts.DeadLetters.ExpireOverBudget();
        }
        catch (Exception ex)
        {
            _ = _gate.Fail(ex, StoreFaultKind.WriteFailed);
            return;
        }

        if (_parts.Checkpoints.Due)
        {
            _parts.Checkpoints.Start(wait: false, _parts.Options.Faults);
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
                if (_parts.Catalog.FeatureName(id) is null && (added ??= []).Add(id))
                {
                    write.Meta.Add(new KeyedValue(FeatureNames.Key(id), Encoding.UTF8.GetBytes(FeatureId.Key(kind, name))));
                }
            }
        }
    }
}
