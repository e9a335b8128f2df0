using Persona.Core.Events;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.TestKit;

/// <summary>The filter of every user ever seen within its byte budget, and every profile still found once it is full.</summary>
public abstract class StoreUserFilterTests : StoreTestBase
{
    [Fact]
    public void Open_MoreUsersThanTheUserFilterHolds_StoredFilterWithinBudgetAndEveryProfileReadBack()
    {
        // A 64 KiB filter holds 52,428 users at 1 % false positives; 60,000 users overfill it. A 1 MiB cache keeps
        // few of their profiles, so after the reopen nearly every read goes through the filter to a checkpoint.
        var options = new DurableStoreOptions { UserFilterBytes = DurableStoreOptions.MinUserFilterBytes, ProfileCacheBytes = 1 << 20 };
        var start = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        var events = Enumerable.Range(0, 60_000)
            .Select(i => new BehaviorEvent { EventId = "e" + i, Type = (byte)EventType.Search, UserId = "user-" + i, TimestampMs = start + i, Text = "shoes" })
            .ToList();
        using (var store = Store.Open(options, Engine))
        {
            foreach (var chunk in events.Chunk(10_000))
            {
                Assert.Equal(chunk.Length, store.Ingest(Batch(chunk)).Accepted);
            }
        }

        using (var backend = Store.OpenBackend(options))
        {
            var stored = backend.Meta.Read(Checkpoints.Checkpointer.UserFilterKey);
            Assert.NotNull(stored);
            Assert.InRange(stored.Length, 1, options.UserFilterBytes + 64);
        }

        using var reopened = Store.Open(options, Engine);
        AssertProfiles(reopened, Reference(Engine, [], events));
        Assert.Equal(0, reopened.Ingest(Batch(events.TakeLast(1_000))).Accepted);
    }
}
