using Persona.Storage.Faults;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.TestKit;

/// <summary>
/// The durable pipeline under a loss of power (<see cref="IStoreUnderTest.Crash"/>): what the backend had not made
/// durable is gone, in whole or in part. Every acknowledged event must survive, exactly once; a checkpoint cut
/// part-way must not matter. Each ends by reopening the store and comparing every profile with an uncrashed
/// reference.
/// </summary>
public abstract class StoreCrashTests : StoreTestBase
{
    [Fact]
    public void Ingest_CrashAfterAcknowledgedBatches_EveryAcknowledgedEventKeptAndResendsAreDuplicates()
    {
        // Checkpoints every 700 events run beside the batches; the power goes right after the last acknowledgement.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 300, events: 5_000);
        using (var store = Store.Open(new DurableStoreOptions { CheckpointEveryEvents = 700 }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(250))
            {
                Assert.Equal(chunk.Length, store.Ingest(Batch(chunk)).Accepted);
            }

            Store.Crash();
            store.Abandon();
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Equal(events.Count + 1, reopened.Stats.LogPosition);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
        var resent = reopened.Ingest(Batch(events.Take(1_000)));
        Assert.Equal((0, 1_000), (resent.Accepted, resent.Duplicate));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Checkpoint_CrashBetweenItsProfilesAndItsRecord_RestartExactAndNewEventsCount(double keep)
    {
        // The second checkpoint's profiles are written, not yet synced, when the power goes: none, half or all of
        // them survive, ahead of the recorded position; replay must skip for each what it already holds.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 300, events: 4_000);
        var (first, second, third) = (events[..1_500], events[1_500..3_000], events[3_000..]);
        var faults = new TestFaults().On(FaultPoint.CheckpointProfilesWritten, n =>
        {
            if (n == 2)
            {
                Store.Crash(keep);
                throw new InjectedFaultException("the power went inside a checkpoint");
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

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Equal(3_001, reopened.Stats.LogPosition);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, [.. first, .. second]));
        Assert.Equal(1_000, reopened.Ingest(Batch(third)).Accepted);
        Assert.Equal(1_000, reopened.Ingest(Batch(second.Take(1_000))).Duplicate);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
    }

    [Fact]
    public void UpsertItems_CrashAfterACatalogChange_ReplayedWithTheChangeInItsPlace()
    {
        // A catalog change is acknowledged like a batch: after the power goes, the events after it are replayed
        // with the changed items, those before it without.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 100, events: 2_000);
        var moved = shop.Catalog.Take(100).Select(i => i with { CategoryPath = ["Moved"], Brand = "Elsewhere" }).ToList();
        using (var store = Store.Open(new DurableStoreOptions { CheckpointEveryEvents = int.MaxValue }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events.Take(1_000)));
            store.Checkpoint();
            store.UpsertItems(Batch(moved));
            store.Ingest(Batch(events.Skip(1_000)));
            Store.Crash();
            store.Abandon();
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, [events.Take(1_000), moved, events.Skip(1_000)]));
        Assert.Equal(["Moved"], reopened.Catalog.Record(moved[0].ItemId)!.CategoryPath);
    }
}
