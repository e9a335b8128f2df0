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
public abstract class StoreFaultTests : StoreTestBase
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
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
    public void Ingest_LogWriteFails_WritesRefusedReadsServedNothingCheckpointedOrCompactedAndRestartRecovers()
    {
        // Twenty users with a session every two days over seventy days. At the failure a checkpoint is due (its
        // interval has passed with changed profiles) and retention has whole checkpointed batches older than its
        // horizon to delete: a healthy store would do both, a failed one neither.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var (shop, events) = Shop(clock.GetUtcNow().AddDays(-70), users: 20, events: 4_000, sessionGap: TimeSpan.FromDays(2));
        var (first, between, second, third) = (events[..3_000], events[3_000..3_100], events[3_100..3_600], events[3_600..]);
        var faults = new TestFaults().On(FaultPoint.BeforeLogCommit, n =>
        {
            if (n == 1 + 15 + 1 + 1) // the catalog, the first part in 15 batches, the batch after the checkpoint, then the failing one
            {
                throw new InjectedFaultException("injected I/O error");
            }
        });
        var options = new DurableStoreOptions { Faults = faults, CheckpointEveryEvents = int.MaxValue, Retention = TimeSpan.FromDays(30) };
        var acknowledged = Reference(Engine, shop.Catalog, [.. first, .. between]);
        int copiesAtFailure;
        using (var store = Store.Open(options, Engine, clock))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in first.Chunk(200))
            {
                store.Ingest(Batch(chunk));
            }

            store.Checkpoint();
            store.Ingest(Batch(between)); // changed profiles for the next checkpoint
            var failure = Assert.Throws<StoreUnavailableException>(() => store.Ingest(Batch(second)));
            Assert.Equal(StoreFaultKind.WriteFailed, failure.Fault.Kind);
            Assert.Equal("write_failed", store.Health.Fault!.Reason);
            Assert.Contains("injected I/O error", store.Health.Fault.Message, StringComparison.Ordinal);
            AssertProfiles(store, acknowledged); // reads go on, showing what is durable
            Assert.Throws<StoreUnavailableException>(() => store.Ingest(Batch(third)));
            Assert.Throws<StoreUnavailableException>(() => store.UpsertItems(Batch(shop.Catalog.Take(1))));
            copiesAtFailure = faults.Hits(FaultPoint.CheckpointCopy);
            clock.Advance(options.CheckpointInterval + TimeSpan.FromSeconds(1));
            store.CheckpointIfDue(); // a checkpoint it started would run in the background: counted after the close
            Assert.Equal(0, store.CompactRetention());
            Assert.Equal(0, faults.Hits(FaultPoint.RetentionDelete));
        }

        // Neither the periodic checkpoint nor the one at close ran after the failure (the close waits for one in flight).
        Assert.Equal(copiesAtFailure, faults.Hits(FaultPoint.CheckpointCopy));
        using var reopened = Store.Open(options with { Faults = null }, Engine, clock);
        Assert.True(reopened.Health.IsHealthy);
        AssertProfiles(reopened, acknowledged);
        Assert.Equal(second.Count + third.Count, reopened.Ingest(Batch([.. second, .. third])).Accepted);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));

        // The same store, healthy, does compact: the assertion above is not vacuous.
        Assert.True(reopened.CompactRetention() > 0);
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

    [Fact]
    public void Ingest_DeadLetterDeleteFailsAfterTheCommit_BatchStandsAndNoPositionIsReused()
    {
        // The dead letters' budget is spent by the batch's own rejected record; deleting the oldest fails after
        // the batch's log write. The batch stands, later writes are refused, and after a restart the user's
        // history is the user's own.
        var t = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var parser = new Persona.Core.Ingest.EventParser(Engine.Types, TimeProvider.System);
        var options = new DurableStoreOptions { DeadLetterBytes = 10 };
        var (store, backend) = OpenFaulty(options);
        using (store)
        {
            backend.Before = primitive =>
            {
                if (primitive == "DeadLetters.DeleteThrough")
                {
                    throw new InjectedFaultException("No space left on device");
                }
            };
            var result = store.Ingest(parser.ParseBody(System.Text.Encoding.UTF8.GetBytes($$"""[{"eventId":"a1","type":"search","userId":"A","timestamp":{{t}},"text":"x"},{"eventId":"bad","type":"rate","userId":"A","itemId":"i","timestamp":{{t}},"rating":9}]""")));
            Assert.Equal((1, 1), (result.Accepted, result.Rejected));
            Assert.Equal(StoreFaultKind.DiskFull, store.Health.Fault?.Kind);
            Assert.Throws<StoreUnavailableException>(() => store.Ingest(Batch([Event("b1", "B", t)])));
            Assert.Equal(["a1"], store.History("A").Select(e => e.EventId));
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        reopened.Ingest(Batch([Event("b1", "B", t)]));
        reopened.Ingest(Batch([Event("a2", "A", t + 1)]));
        Assert.Equal(["a1", "a2"], reopened.History("A").Select(e => e.EventId));
        Assert.Equal(["b1"], reopened.History("B").Select(e => e.EventId));
    }

    [Fact]
    public void Ingest_AProfileCannotBeReadBack_NothingLoggedChainsUnchangedAndWritesRefused()
    {
        var t = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.Ingest(Batch([Event("c1", "C", t), Event("a1", "A", t)]));
        }

        var (faulty, backend) = OpenFaulty(new DurableStoreOptions());
        using (faulty)
        {
            backend.Before = primitive =>
            {
                if (primitive == "Profiles.Read" && !faulty.IsInMemory("C"))
                {
                    return; // C loads; A's read fails
                }

                if (primitive == "Profiles.Read")
                {
                    throw new InjectedFaultException("injected read error");
                }
            };
            Assert.Throws<StoreUnavailableException>(() => faulty.Ingest(Batch([Event("c2", "C", t + 1), Event("a2", "A", t + 1)])));
            Assert.Throws<StoreUnavailableException>(() => faulty.Ingest(Batch([Event("b1", "B", t + 2)])));
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Equal(3, reopened.Ingest(Batch([Event("b1", "B", t + 2), Event("c3", "C", t + 3), Event("a3", "A", t + 3)])).Accepted);
        Assert.Equal(["c1", "c3"], reopened.History("C").Select(e => e.EventId));
        Assert.Equal(["a1", "a3"], reopened.History("A").Select(e => e.EventId));
    }

    [Fact]
    public void Open_AnEventThatCannotBeAppliedOnReplay_SkippedDeadLetteredAndSkippedAgainLater()
    {
        // A batch fails while applying (after its log write); on the restart its replay fails too, as a chunk and
        // then for its third event alone: that event is skipped (its batch was never acknowledged), the rest apply.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 50, events: 600);
        var (first, second) = (events[..500], events[500..]);
        var ingestFaults = new TestFaults().On(FaultPoint.Apply, n =>
        {
            if (n == 2)
            {
                throw new InjectedFaultException("a bug while applying");
            }
        });
        using (var store = Store.Open(new DurableStoreOptions { Faults = ingestFaults }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(first));
            store.Checkpoint();
            Assert.Throws<StoreUnavailableException>(() => store.Ingest(Batch(second)));
        }

        // The first restart skips the event, then crashes in its closing checkpoint; the second replays the batch
        // again and skips the event without being told (and without a second dead letter).
        var replayFaults = new TestFaults()
            .On(FaultPoint.Replay, n =>
            {
                if (n == 1 || n == 1 + 3)
                {
                    throw new InjectedFaultException("a bug while applying");
                }
            })
            .On(FaultPoint.CheckpointProfilesWritten, _ => throw new InjectedFaultException("crash in the checkpoint after replay"));
        Assert.Throws<InjectedFaultException>(() => Store.Open(new DurableStoreOptions { Faults = replayFaults }, Engine));
        Assert.Equal(1 + 100, replayFaults.Hits(FaultPoint.Replay));

        var poison = second[2];
        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.True(reopened.Health.IsHealthy);
        Assert.Equal(99, reopened.Recovered.Replayed);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, [.. first, .. second.Where(e => e != poison)]));
        var letter = Assert.Single(reopened.DeadLetters());
        Assert.Equal(poison.EventId, letter.Id);
        Assert.Contains("could not be applied (InjectedFaultException: a bug while applying)", letter.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Open_StoreWithoutMarksLargerThanTheDedupeIndex_OpensAndStaysExact()
    {
        // A store written before log marks were kept (no marks, a checkpoint record of 8 bytes) whose log holds
        // more events than a 1 MiB index does (about 45,000).
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-20), users: 1_000, events: 80_000, sessionGap: TimeSpan.FromDays(1));
        var options = new DurableStoreOptions { DedupeIndexBytes = 1 << 20, DedupeHorizon = TimeSpan.FromDays(30), Retention = TimeSpan.FromDays(60) };
        using (var store = Store.Open(options, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(5_000))
            {
                store.Ingest(Batch(chunk));
            }
        }

        using (var backend = Store.OpenBackend(options))
        {
            var legacy = new Persona.Storage.Backend.StoreWrite();
            backend.Meta.Scan("mark/", (key, _) =>
            {
                legacy.Meta.Add(new Persona.Storage.Backend.KeyedValue(key, null));
                return true;
            });
            var position = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(position, events.Count + 1);
            legacy.Meta.Add(new Persona.Storage.Backend.KeyedValue("checkpoint", position));
            legacy.Meta.Add(new Persona.Storage.Backend.KeyedValue("dedupe/cold", null)); // nor an index on disk
            backend.Commit(legacy, durable: true);
        }

        using var reopened = Store.Open(options, Engine);
        Assert.Equal(events.Count + 1, reopened.Recovered.Scanned);
        var resent = reopened.Ingest(Batch(events.TakeLast(2_000)));
        Assert.Equal(0, resent.Accepted);
        Assert.Equal(2_000, resent.Duplicate + resent.Rejected);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
    }

    private static Persona.Core.Events.BehaviorEvent Event(string id, string user, long t) =>
        new() { EventId = id, Type = (byte)Persona.Core.Events.EventType.Search, UserId = user, TimestampMs = t, Text = "x" };

    private static void Await(ManualResetEventSlim? signal)
    {
        if (signal is not null && !signal.Wait(Patience))
        {
            throw new TimeoutException("a fault point waited in vain");
        }
    }

    private static void Set(ManualResetEventSlim? signal) => signal?.Set();
}
