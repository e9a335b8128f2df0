using Persona.Storage.Faults;

namespace Persona.Storage.Retention;

/// <summary>
/// Deletes what the retention horizons allow: log records older than <see cref="DurableStoreOptions.Retention"/>
/// (event time behind the watermark) that a checkpoint covers and the deduplication index no longer needs, and
/// expired dead letters. The cut is chosen under the write lock from the log marks, without reading the log;
/// the delete and the space reclamation run outside it, so ingestion goes on meanwhile.
/// </summary>
internal sealed class RetentionCompactor(DurableProfileStore store)
{
    private long _deletedThrough = -1;

    /// <summary>Log positions deleted up to now (at open: those before the first record found).</summary>
    public long DeletedThrough => Interlocked.Read(ref _deletedThrough);

    public void Restore(long deletedThrough) => Interlocked.Exchange(ref _deletedThrough, deletedThrough);

    /// <summary>Runs one compaction; returns how many log positions it deleted.</summary>
    public long Run()
    {
        store.Maintenance.Wait();
        try
        {
            long cut;
            DateTimeOffset horizon;
            lock (store.WriteLock)
            {
                if (store.Disposed || !store.Health.IsHealthy)
                {
                    return 0;
                }

                int expired;
                try
                {
                    expired = store.DeadLetterBook.Expire(store.Clock.GetUtcNow());
                }
                catch (Exception ex)
                {
                    throw store.Fail(ex, Core.Pipeline.StoreFaultKind.WriteFailed);
                }

                if (expired > 0)
                {
                    StoreLog.DeadLettersExpired(store.Logger, expired);
                }

                try
                {
                    store.Dedupe.Cold?.Expire(store.Dedupe.HorizonFloorMs);
                }
                catch (Exception ex)
                {
                    throw store.Fail(ex, Core.Pipeline.StoreFaultKind.WriteFailed);
                }

                var watermark = store.Dedupe.WatermarkMs;
                if (store.Options.Retention <= TimeSpan.Zero || watermark == long.MinValue)
                {
                    return 0;
                }

                var horizonMs = watermark - (long)store.Options.Retention.TotalMilliseconds;
                horizon = DateTimeOffset.FromUnixTimeMilliseconds(horizonMs);

                // Every record at or before the cut is older than the horizon (marks), covered by a checkpoint
                // (replay never needs it) and behind the deduplication horizon (an index entry that points at it,
                // on disk, is never looked up: its event would be too old).
                cut = Math.Min(store.Dedupe.Marks.LastBelow(horizonMs), Math.Min(store.Checkpoints.Completed.Position, store.Dedupe.HorizonCut));
                if (cut <= DeletedThrough)
                {
                    return 0;
                }

                store.Dedupe.Marks.Prune(cut);
            }

            store.Options.Faults?.Hit(FaultPoint.RetentionDelete);
            try
            {
                store.Backend.Log.DeleteThrough(cut);
                store.Backend.Log.Compact();
            }
            catch (Exception ex)
            {
                throw store.Fail(ex, Core.Pipeline.StoreFaultKind.WriteFailed);
            }

            var deleted = cut - DeletedThrough;
            Restore(cut);
            StoreLog.Compacted(store.Logger, cut, horizon);
            return deleted;
        }
        finally
        {
            store.Maintenance.Release();
        }
    }
}
