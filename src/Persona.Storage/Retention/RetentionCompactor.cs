using Microsoft.Extensions.Logging;
using Persona.Core.Pipeline;
using Persona.Storage.Backend;
using Persona.Storage.Checkpoints;
using Persona.Storage.DeadLetters;
using Persona.Storage.Dedupe;
using Persona.Storage.Faults;

namespace Persona.Storage.Retention;

/// <summary>
/// Deletes what the retention horizons allow: log records older than <see cref="DurableStoreOptions.Retention"/>
/// (event time behind the watermark) that a checkpoint covers and the deduplication index no longer needs, and
/// expired dead letters. The cut is chosen under the store's write lock (<paramref name="gate"/>) from the log
/// marks, without reading the log; the delete and the space reclamation run outside it, so ingestion goes on
/// meanwhile. A failed delete fails the store. It starts from the log positions recovery found deleted
/// (<c>deletedThrough</c>: those before the first record in the log).
/// </summary>
internal sealed class RetentionCompactor(
    StoreGate gate,
    IEventLogStore log,
    Deduplicator dedupe,
    Checkpointer checkpoints,
    DeadLetterBook deadLetters,
    DurableStoreOptions options,
    TimeProvider clock,
    ILogger logger,
    long deletedThrough)
{
    private long _deletedThrough = deletedThrough;

    /// <summary>Runs one compaction; returns how many log positions it deleted.</summary>
    public long Run()
    {
        gate.Maintenance.Wait();
        try
        {
            long cut;
            DateTimeOffset horizon;
            lock (gate.WriteLock)
            {
                if (!gate.IsWritable)
                {
                    return 0;
                }

                int expired;
                try
                {
                    expired = deadLetters.Expire(clock.GetUtcNow());
                }
                catch (Exception ex)
                {
                    throw gate.Fail(ex, StoreFaultKind.WriteFailed);
                }

                if (expired > 0)
                {
                    StoreLog.DeadLettersExpired(logger, expired);
                }

                try
                {
                    dedupe.Cold?.Expire(dedupe.HorizonFloorMs);
                }
                catch (Exception ex)
                {
                    throw gate.Fail(ex, StoreFaultKind.WriteFailed);
                }

                var watermark = dedupe.WatermarkMs;
                if (options.Retention <= TimeSpan.Zero || watermark == long.MinValue)
                {
                    return 0;
                }

                var horizonMs = watermark - (long)options.Retention.TotalMilliseconds;
                horizon = DateTimeOffset.FromUnixTimeMilliseconds(horizonMs);

                // Every record at or before the cut is older than the horizon (marks), covered by a checkpoint
                // (replay never needs it) and behind the deduplication horizon (an index entry that points at it,
                // on disk, is never looked up: its event would be too old).
                cut = Math.Min(dedupe.Marks.LastBelow(horizonMs), Math.Min(checkpoints.Completed.Position, dedupe.HorizonCut));
                if (cut <= _deletedThrough)
                {
                    return 0;
                }

                dedupe.Marks.Prune(cut);
            }

            options.Faults?.Hit(FaultPoint.RetentionDelete);
            try
            {
                log.DeleteThrough(cut);
                log.Compact();
            }
            catch (Exception ex)
            {
                throw gate.Fail(ex, StoreFaultKind.WriteFailed);
            }

            var deleted = cut - _deletedThrough;
            _deletedThrough = cut;
            StoreLog.Compacted(logger, cut, horizon);
            return deleted;
        }
        finally
        {
            gate.Maintenance.Release();
        }
    }
}
