using Persona.Core.Engine;
using Persona.Core.Pipeline;
using Persona.Storage.Faults;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.TestKit;

/// <summary>
/// The durable pipeline under faults, on every backend: a crash between a checkpoint and a batch's log write, a
/// failed log write, an exception while applying, a crash inside a checkpoint, retention beside ingestion. Each
/// ends by reopening the store and comparing every profile with an uncrashed reference; where the fault lost an
/// unacknowledged batch, a different batch follows the restart, so that reused log positions would show.
/// </summary>
public abstract class StoreFaultTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private IStoreUnderTest? _store;

    protected ProfileEngine Engine { get; } = new(new EngineConfig());

    protected IStoreUnderTest Store => _store ??= CreateStoreUnderTest();

    public void Dispose()
    {
        _store?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract IStoreUnderTest CreateStoreUnderTest();

    [Fact]
    public void Checkpoint_CopyingWhileABatchsLogWriteIsInFlight_NeverGetsAheadOfTheLog()
    {
        // Batch 1 ends with a background checkpoint, held before it copies. Batch 2 is applied while its log
        // write waits; the checkpoint then copies and completes, and the log write "crashes". Had batch 2's
        // profiles been visible before its write was durable, the checkpoint would hold events the log lacks, and
        // batch 3's new events, given batch 2's unused positions after the restart, would be skipped.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 100, events: 3_000);
        var (first, second, third) = (events[..1_000], events[1_000..2_000], events[2_000..]);
        using var mayCopy = new ManualResetEventSlim();
        using var copied = new ManualResetEventSlim();
        using var secondApplied = new ManualResetEventSlim();
        var faults = new TestFaults()
            .On(FaultPoint.CheckpointCopy, n => Await(n == 1 ? mayCopy : null))
            .On(FaultPoint.CheckpointWritten, n => Set(n == 1 ? copied : null))
            .On(FaultPoint.Applied, n => Set(n == 2 ? secondApplied : null))
            .On(FaultPoint.BeforeLogCommit, n =>
            {
                if (n == 3) // 1: the catalog, 2: batch 1, 3: batch 2
                {
                    Await(secondApplied);
                    mayCopy.Set();
                    Await(copied);
                    throw new InjectedFaultException("crash before batch 2's log write");
                }
            });
        using (var store = Store.Open(new DurableStoreOptions { CheckpointEveryEvents = 1_000, Faults = faults }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            Assert.Equal(1_000, store.Ingest(Batch(first)).Accepted);
            Assert.Throws<StoreUnavailableException>(() => store.Ingest(Batch(second)));
            Assert.Equal(1, faults.Hits(FaultPoint.CheckpointWritten));
            store.Abandon();
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Equal(1_001, reopened.Stats.LogPosition);
        Assert.Equal(1_000, reopened.Ingest(Batch(third)).Accepted);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, [.. first, .. third]));
    }

    [Fact]
    public void Ingest_LogWriteFails_WritesRefusedReadsServedNothingCheckpointedAndRestartRecovers()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 100, events: 3_000);
        var (first, second, third) = (events[..1_000], events[1_000..2_000], events[2_000..]);
        var faults = new TestFaults().On(FaultPoint.BeforeLogCommit, n =>
        {
            if (n == 3)
            {
                throw new InjectedFaultException("injected I/O error");
            }
        });
        var afterFirst = Reference(Engine, shop.Catalog, first);
        int copiesAtFailure;
        using (var store = Store.Open(new DurableStoreOptions { Faults = faults, CheckpointEveryEvents = 500 }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(first));
            store.Checkpoint();
            var failure = Assert.Throws<StoreUnavailableException>(() => store.Ingest(Batch(second)));
            Assert.Equal(StoreFaultKind.WriteFailed, failure.Fault.Kind);
            Assert.Equal("write_failed", store.Health.Fault!.Reason);
            Assert.Contains("injected I/O error", store.Health.Fault.Message, StringComparison.Ordinal);
            AssertProfiles(store, afterFirst); // reads go on, showing what is durable
            Assert.Throws<StoreUnavailableException>(() => store.Ingest(Batch(third)));
            Assert.Throws<StoreUnavailableException>(() => store.UpsertItems(Batch(shop.Catalog.Take(1))));
            copiesAtFailure = faults.Hits(FaultPoint.CheckpointCopy);
            store.CheckpointIfDue();
            Assert.Equal(0, store.CompactRetention());
        }

        // Neither the periodic checkpoint nor the one at close ran after the failure.
        Assert.Equal(copiesAtFailure, faults.Hits(FaultPoint.CheckpointCopy));
        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.True(reopened.Health.IsHealthy);
        AssertProfiles(reopened, afterFirst);
        Assert.Equal(2_000, reopened.Ingest(Batch([.. second, .. third])).Accepted);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
    }

    [Fact]
    public void Ingest_ApplyFailsWhileTheLogWriteIsInFlight_WaitsForTheWriteThenFailsAndRestartRecovers()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 100, events: 2_000);
        var (first, second) = (events[..1_000], events[1_000..]);
        var writeReleased = 0;
        var faults = new TestFaults()
            .On(FaultPoint.BeforeLogCommit, n =>
            {
                if (n == 3)
                {
                    Thread.Sleep(300); // a slow disk: the write is still running when applying fails
                    Volatile.Write(ref writeReleased, 1);
                }
            })
            .On(FaultPoint.Apply, n =>
            {
                if (n == 2)
                {
                    throw new InjectedFaultException("a bug while applying");
                }
            });
        using (var store = Store.Open(new DurableStoreOptions { Faults = faults }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(first));
            store.Checkpoint();
            var failure = Assert.Throws<StoreUnavailableException>(() => store.Ingest(Batch(second)));

            // The call returned only after the log write it started had finished (its buffers were still in use).
            Assert.Equal(1, Volatile.Read(ref writeReleased));
            Assert.Equal(StoreFaultKind.ApplyFailed, failure.Fault.Kind);
            Assert.IsType<InjectedFaultException>(failure.InnerException);
            AssertProfiles(store, Reference(Engine, shop.Catalog, first));
        }

        // The batch reached the log; the restart replays it, and a re-send is all duplicates.
        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Equal(1_000, reopened.Recovered.Replayed);
        Assert.Equal(1_000, reopened.Ingest(Batch(second)).Duplicate);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
    }

    [Fact]
    public void Checkpoint_CrashBetweenItsProfilesAndItsRecord_RestartExactAndNewEventsCount()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 300, events: 4_000);
        var (first, second, third) = (events[..1_500], events[1_500..3_000], events[3_000..]);
        var faults = new TestFaults().On(FaultPoint.CheckpointProfilesWritten, n =>
        {
            if (n == 2)
            {
                throw new InjectedFaultException("crash inside a checkpoint");
            }
        });
        using (var store = Store.Open(new DurableStoreOptions { Faults = faults, CheckpointEveryEvents = int.MaxValue }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(first));
            store.Checkpoint();
            store.Ingest(Batch(second));
            Assert.Throws<InjectedFaultException>(store.Checkpoint);
            store.Abandon();
        }

        // The profiles written by the interrupted checkpoint are ahead of the recorded position: replay skips
        // for each what it already holds.
        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Equal(1_500, reopened.Recovered.Replayed);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, [.. first, .. second]));
        Assert.Equal(1_000, reopened.Ingest(Batch(third)).Accepted);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
    }

    [Fact]
    public void Checkpoint_CrashInTheBackgroundWhileIngesting_RestartExact()
    {
        // Checkpoints every 400 events run beside the batches; the third one crashes before its record.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 300, events: 6_000);
        var acknowledged = new List<Persona.Core.Events.BehaviorEvent>();
        var faults = new TestFaults().On(FaultPoint.CheckpointProfilesWritten, n =>
        {
            if (n == 3)
            {
                throw new InjectedFaultException("crash inside a background checkpoint");
            }
        });
        using (var store = Store.Open(new DurableStoreOptions { Faults = faults, CheckpointEveryEvents = 400 }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(250))
            {
                try
                {
                    store.Ingest(Batch(chunk));
                    acknowledged.AddRange(chunk);
                }
                catch (StoreUnavailableException)
                {
                    break;
                }
            }

            Assert.False(store.Health.IsHealthy);
            store.Abandon();
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, acknowledged));
        var rest = events.Skip(acknowledged.Count).ToList();
        Assert.Equal(rest.Count, reopened.Ingest(Batch(rest)).Accepted);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
    }

    [Fact]
    public void CompactRetention_WhileDeleting_DoesNotHoldTheWriteLock()
    {
        // Twenty users with a session every two days: about sixty events a day, two months in all.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-70), users: 20, events: 4_000, sessionGap: TimeSpan.FromDays(2));
        using var ingested = new ManualResetEventSlim();
        var waited = false;
        var faults = new TestFaults().On(FaultPoint.RetentionDelete, _ => waited = ingested.Wait(Patience));
        using var store = Store.Open(new DurableStoreOptions { Faults = faults, Retention = TimeSpan.FromDays(30) }, Engine);
        store.UpsertItems(Batch(shop.Catalog));
        foreach (var chunk in events.SkipLast(100).Chunk(200))
        {
            store.Ingest(Batch(chunk));
        }

        store.Checkpoint();
        var compaction = Task.Run(store.CompactRetention);
        while (faults.Hits(FaultPoint.RetentionDelete) == 0)
        {
            Assert.False(compaction.IsCompleted, "the compaction ended without deleting anything");
            Thread.Sleep(1);
        }

        // The compaction is paused inside its delete: a batch must still get through.
        Assert.Equal(100, store.Ingest(Batch(events.TakeLast(100))).Accepted);
        ingested.Set();
        Assert.True(compaction.Wait(Patience));
        Assert.True(waited, "the batch waited for the compaction");
        Assert.True(compaction.Result > 0);
    }

    private static void Await(ManualResetEventSlim? signal)
    {
        if (signal is not null && !signal.Wait(Patience))
        {
            throw new TimeoutException("a fault point waited in vain");
        }
    }

    private static void Set(ManualResetEventSlim? signal) => signal?.Set();
}
