using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.TestKit;

/// <summary>
/// Opening a store whose backend misbehaves while the log is replayed: a storage failure fails the open and
/// never costs an acknowledged event.
/// </summary>
public abstract class StoreRecoveryTests : StoreTestBase
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Open_SnapshotOfAReplayedUserCannotBeRead_OpenFailsAndALaterOpenKeepsEveryAcknowledgedEvent(bool damaged)
    {
        // The user's profile is checkpointed, then more of the user's events are acknowledged and the store stops
        // without a checkpoint: the next open replays them onto the snapshot it reads back. That read fails
        // (throws, or returns a damaged encoding) for the whole open.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 40, events: 2_000);
        var (first, second) = (events[..1_000], events[1_000..]);
        var user = second.GroupBy(e => e.UserId).Where(g => first.Any(e => e.UserId == g.Key)).MaxBy(g => g.Count())!.Key;
        var acknowledged = second.Where(e => e.UserId == user).ToList();
        Assert.True(acknowledged.Count >= 20, $"{user} has {acknowledged.Count} events after the checkpoint");
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            Assert.Equal(first.Count, store.Ingest(Batch(first)).Accepted);
            store.Checkpoint();
            Assert.Equal(second.Count, store.Ingest(Batch(second)).Accepted);
            store.Abandon();
        }

        var options = new DurableStoreOptions();
        var faulty = new SnapshotReadFault(Store.OpenBackend(options), user, damaged);
        Assert.ThrowsAny<Exception>(() => DurableProfileStore.Open(faulty, options, Engine, "faulty backend"));
        Assert.Equal(1, faulty.Faults);

        using var reopened = Store.Open(options, Engine);
        Assert.True(reopened.Health.IsHealthy);
        Assert.Empty(reopened.DeadLetters());
        var reference = Reference(Engine, shop.Catalog, events);
        AssertProfiles(reopened, reference);
        var resent = reopened.Ingest(Batch(acknowledged));
        Assert.Equal((0, acknowledged.Count), (resent.Accepted, resent.Duplicate));
        AssertProfiles(reopened, reference);
    }
}
