using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Serialization;
using Persona.Storage.Apply;
using Persona.Storage.Backend;
using Persona.Storage.Cache;
using Persona.Storage.Checkpoints;
using Persona.Storage.Dedupe;
using Persona.Storage.Log;

namespace Persona.Storage.Recovery;

/// <summary>
/// Opening a store: check the manifest, load the catalog as of the last checkpoint and the feature names, read
/// back the checkpoint record, the log marks, the user filter and the dead letters' sizes, then read the log
/// from the deduplication cut: records up to the checkpoint only for their ids and timestamps, later ones
/// replayed through the same path as ingestion (catalog changes in their place). What this reads depends on the
/// configured windows (deduplication horizon, checkpoint interval), not on the length of the log.
/// </summary>
internal static class StoreRecovery
{
    private const int ReplayBatch = 8_192;

    /// <summary>
    /// Rebuilds <paramref name="parts"/>'s parts, empty until now, from its backend; the manifest must match
    /// <paramref name="engine"/>. <paramref name="where"/> names the store in messages.
    /// </summary>
    [SuppressMessage("Maintainability", "CA1506:Avoid excessive class coupling", Justification = "Opening reads every part back in a fixed order (manifest, catalog, checkpoint, marks, filter, dead letters, log); kept in one method so the order is read in one place")]
    public static RecoveryOutcome Run(StoreParts parts, EngineConfig engine, string where)
    {
        var watch = Stopwatch.StartNew();
        var backend = parts.Backend;
        var checkpoint = CheckpointRecord.FromBytes(backend.Meta.Read(CheckpointRecord.Key));
        var logEnd = backend.Log.LastSeq;
        CheckManifest(parts, engine, where, isNew: logEnd == 0 && checkpoint.Position == 0);

        // The catalog as of the checkpoint, and the names of features only preferences declared.
        var items = new List<CatalogItem>();
        backend.Records.ScanItems(json => items.Add(JsonSerializer.Deserialize<CatalogItem>(json, StoreJson.Options)!));
        parts.Catalog.Upsert(items);
        backend.Meta.Scan(FeatureNames.Prefix, (_, value) =>
        {
            if (FeatureId.TryParseKey(Encoding.UTF8.GetString(value), out var kind, out var name))
            {
                parts.Catalog.Register(kind, name);
            }

            return true;
        });

        parts.Checkpoints.Restore(checkpoint);
        parts.Cache.RestoreUsers(LoadUsers(backend, parts.Options.UserFilterBytes));
        parts.DeadLetters.Load();
        parts.OptOuts.Load(backend.Records);

        // Positions are never handed out twice: should the log's tail have been lost (a disk that dropped
        // acknowledged writes), numbering goes on after the newest position a checkpoint saw.
        if (checkpoint.HighSeq > logEnd)
        {
            StoreLog.LogTailLost(parts.Logger, logEnd, checkpoint.HighSeq);
        }

        var first = 0L;
        backend.Log.Scan(0, (seq, _) =>
        {
            first = seq;
            return false;
        });
        var deletedThrough = first == 0 ? logEnd : first - 1;

        backend.Meta.Scan(LogMarks.KeyPrefix, (key, value) =>
        {
            parts.Dedupe.Marks.Load(key, value);
            return true;
        });
        var skipped = new HashSet<long>();
        backend.Meta.Scan(SkipPrefix, (key, _) => skipped.Add(long.Parse(key.AsSpan(SkipPrefix.Length), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture)));

        // While replaying, the position is the replay's (a checkpoint taken meanwhile must not claim more).
        parts.Log.Restore(checkpoint.Position);
        parts.Dedupe.Cold?.Restore(backend.Meta.Read(ColdIds.Key));
        parts.Dedupe.Restore(checkpoint.WatermarkMs, [], logEnd);
        var (scanned, replayed) = Scan(parts, checkpoint.Position, Math.Min(parts.Dedupe.Index.Cut, checkpoint.Position) + 1, skipped);
        parts.Dedupe.Recovered();
        parts.Log.Restore(Math.Max(logEnd, Math.Max(checkpoint.Position, checkpoint.HighSeq)));
        if (replayed > 0)
        {
            parts.Checkpoints.Start(wait: true, parts.Options.Faults);
        }

        StoreLog.Opened(parts.Logger, where, parts.Log.Position, parts.Checkpoints.Completed.Position, parts.Catalog.Count, scanned, replayed, watch.ElapsedMilliseconds);
        return new RecoveryOutcome(scanned, replayed, deletedThrough);
    }

    /// <summary>
    /// Reads the log from <paramref name="from"/>: events up to <paramref name="checkpoint"/> are only indexed
    /// for deduplication; later events and catalog changes are replayed in log order.
    /// </summary>
    private static (long Scanned, long Replayed) Scan(StoreParts parts, long checkpoint, long from, HashSet<long> skipped)
    {
        var names = new MissingNames(parts.Catalog);
        var pending = new List<(long Seq, BehaviorEvent Event)>(ReplayBatch);
        long scanned = 0;
        long replayed = 0;
        parts.Backend.Log.Scan(from, (seq, record) =>
        {
            // Marks along the part that is only indexed too: a store written before marks were kept has none, and
            // the index's budget needs them to move its cut.
            if (++scanned % ReplayBatch == 0 && seq <= checkpoint)
            {
                parts.Dedupe.Mark(seq - 1);
            }

            var kind = LogRecord.KindOf(record, out var body);
            if (kind == LogRecord.Kind.Erasure)
            {
                // The erased user's records and profile went in the erasure's own commit: nothing to replay.
                if (seq > checkpoint)
                {
                    Replay(parts, pending);
                    parts.Checkpoints.Counted(1);
                    parts.Dedupe.Mark(seq);
                    parts.Log.Restore(seq);
                }

                return true;
            }

            if (kind == LogRecord.Kind.Items)
            {
                if (seq > checkpoint)
                {
                    Replay(parts, pending);
                    var items = LogRecord.ReadItems(record, body);
                    parts.Catalog.Upsert(items);
                    parts.Checkpoints.ItemsChanged(items.Select(i => i.ItemId));
                    parts.Checkpoints.Counted(1);
                    parts.Dedupe.Mark(seq);
                    parts.Log.Restore(seq);
                }

                return true;
            }

            if (seq <= checkpoint)
            {
                var id = EventCodec.ReadHeader(record[body..], out var type, out var timestamp);
                parts.Dedupe.Recover(DedupeIndex.Fingerprint(id), seq, timestamp);
                if (type == (byte)EventType.Preference)
                {
                    names.Learn(LogRecord.ReadEvent(record, out _));
                }

                return true;
            }

            var e = LogRecord.ReadEvent(record, out _);
            if (e.Type == (byte)EventType.Preference)
            {
                names.Learn(e);
            }

            parts.Dedupe.Recover(DedupeIndex.Fingerprint(e.EventId), seq, e.TimestampMs);
            if (skipped.Contains(seq))
            {
                return true; // could not be applied on an earlier open: dead-lettered then
            }

            pending.Add((seq, e));
            replayed++;
            if (pending.Count == ReplayBatch)
            {
                Replay(parts, pending);
            }

            return true;
        });
        Replay(parts, pending);
        if (names.Write.Meta.Count > 0)
        {
            parts.Backend.Commit(names.Write, durable: true);
        }

        return (scanned, replayed);
    }

    /// <summary>
    /// Names of preference features met in the log and not stored yet (a store written before they were stored
    /// learns them on its first, whole, scan): registered in the catalog and written at the end of the scan.
    /// </summary>
    private sealed class MissingNames(CatalogIndex catalog)
    {
        public StoreWrite Write { get; } = new();

        public void Learn(BehaviorEvent e)
        {
            foreach (var (kind, name) in ProfileEngine.PreferenceFeatures(e))
            {
                var id = FeatureId.Of(kind, name);
                if (catalog.FeatureName(id) is null)
                {
                    catalog.Register(kind, name);
                    Write.Meta.Add(new KeyedValue(FeatureNames.Key(id), Encoding.UTF8.GetBytes(FeatureId.Key(kind, name))));
                }
            }
        }
    }

    /// <summary>
    /// Applies replayed events through the same path as ingestion, then checkpoints when one is due (the replay
    /// may hold more changed profiles than the cache's budget); clears <paramref name="pending"/>. Should the
    /// engine fail on a chunk, its events are applied one at a time and those the engine fails on are skipped
    /// for good. Any other failure (a profile that cannot be read or decoded) fails the open: skipping would
    /// discard acknowledged events, and the log still holds them for the next open.
    /// </summary>
    private static void Replay(StoreParts parts, List<(long Seq, BehaviorEvent Event)> pending)
    {
        if (pending.Count == 0)
        {
            return;
        }

        try
        {
            Apply(parts, pending);
        }
        catch (Exception chunkError) when (EventApplyException.Of(chunkError) is { } engineFailure)
        {
            parts.Applier.Discard();
            if (pending.Count == 1)
            {
                Skip(parts, pending[0].Seq, pending[0].Event, engineFailure.InnerException!);
            }
            else
            {
                foreach (var one in pending)
                {
                    try
                    {
                        Apply(parts, [one]);
                    }
                    catch (Exception ex) when (EventApplyException.Of(ex) is { } failure)
                    {
                        parts.Applier.Discard();
                        Skip(parts, one.Seq, one.Event, failure.InnerException!);
                    }
                }
            }
        }

        parts.Checkpoints.Counted(pending.Count);
        parts.Dedupe.Mark(pending[^1].Seq);
        parts.Log.Restore(pending[^1].Seq);
        pending.Clear();
        if (parts.Checkpoints.Due)
        {
            parts.Checkpoints.Start(wait: true, parts.Options.Faults);
        }
    }

    private static void Apply(StoreParts parts, List<(long Seq, BehaviorEvent Event)> events)
    {
        try
        {
            parts.Options.Faults?.Hit(Faults.FaultPoint.Replay);
        }
        catch (Exception ex)
        {
            throw new EventApplyException(events[0].Seq, ex); // the fault point stands for the engine failing on these events
        }

        var n = events.Count;
        var partitions = Partitions.For(n);
        var partition = new int[n];
        var entries = new CachedProfile[n];
        var tick = parts.Cache.Tick();
        for (var i = 0; i < n; i++)
        {
            var (seq, e) = events[i];
            partition[i] = (e.UserId.GetHashCode() & int.MaxValue) % partitions;
            entries[i] = parts.Cache.GetOrLoad(e.UserId, tick);
            entries[i].LastLoggedSeq = Math.Max(entries[i].LastLoggedSeq, seq);
        }

        parts.Applier.Compute(events, entries, partition, partitions);
        parts.Cache.Account(parts.Applier.Publish(parts.Checkpoints.MarkDirty));
    }

    /// <summary>
    /// An event the engine cannot apply (it was never acknowledged: its batch failed with the same error): it
    /// goes to the dead letters with the error, and a metadata key makes every later open skip it too.
    /// </summary>
    private static void Skip(StoreParts parts, long seq, BehaviorEvent e, Exception error)
    {
        var write = new StoreWrite();
        var reason = new Core.Ingest.RecordError(0, e.EventId, [$"event: could not be applied ({error.GetType().Name}: {error.Message}); skipped at log position {seq}"]);
        parts.DeadLetters.Add(write, [(reason, JsonSerializer.Serialize(e, StoreJson.Options))], parts.Clock.GetUtcNow());
        write.Meta.Add(new KeyedValue(SkipPrefix + seq.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), Array.Empty<byte>()));
        parts.Backend.Commit(write, durable: true);
        parts.DeadLetters.Committed();
        StoreLog.EventSkipped(parts.Logger, seq, e.EventId, error);
    }

    /// <summary>The prefix of the metadata keys of log positions replay skips.</summary>
    private const string SkipPrefix = "skip/";

    /// <summary>The stored user filter, or (a store written before filters were stored) one rebuilt from the profiles' keys.</summary>
    private static KeyFilter LoadUsers(IStoreBackend backend, long budgetBytes)
    {
        if (backend.Meta.Read(Checkpointer.UserFilterKey) is { } stored)
        {
            return KeyFilter.FromBytes(stored, budgetBytes);
        }

        var users = new KeyFilter(1 << 18, budgetBytes);
        backend.Profiles.ScanUserIds(id => users.Add(Encoding.UTF8.GetString(id)));
        return users;
    }

    private static void CheckManifest(StoreParts parts, EngineConfig engine, string where, bool isNew)
    {
        var backend = parts.Backend;
        var current = StoreManifest.For(engine, parts.Clock.GetUtcNow());
        var stored = backend.Meta.Read(StoreManifest.Key) is { } bytes ? StoreManifest.FromBytes(bytes) : null;
        if (stored is not null)
        {
            stored.Check(engine, where);
            if (stored.ProfileCodecVersion == current.ProfileCodecVersion && stored.EventCodecVersion == current.EventCodecVersion && stored.Format == current.Format
                && stored.EngineBehaviour == current.EngineBehaviour && stored.EngineConfigHash == current.EngineConfigHash)
            {
                return;
            }

            current = current with { CreatedAt = stored.CreatedAt };
        }
        else if (!isNew)
        {
            StoreLog.ManifestAdopted(parts.Logger, where, current.EngineConfigHash);
        }

        var write = new StoreWrite();
        write.Meta.Add(new KeyedValue(StoreManifest.Key, current.ToBytes()));
        backend.Commit(write, durable: true);
    }
}
