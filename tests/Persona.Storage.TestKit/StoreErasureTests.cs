using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.TestKit;

/// <summary>
/// Erasure of a user, as every backend must give it: gone for every read at once, never back after a reopen or a
/// crash, other users untouched, a later event starting afresh, and all or nothing when the commit fails.
/// </summary>
public abstract class StoreErasureTests : StoreTestBase
{
    private const string Erased = "u7";

    [Fact]
    public void EraseUser_KnownUser_GoneForEveryReadAndOthersUntouched()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 40, events: 4_000);
        var others = events.Where(e => e.UserId != Erased).ToList();
        var expected = Reference(Engine, shop.Catalog, others);
        using var store = Store.Open(new DurableStoreOptions { CheckpointEveryEvents = 1_500 }, Engine);
        store.UpsertItems(Batch(shop.Catalog));
        foreach (var chunk in events.Chunk(500))
        {
            store.Ingest(Batch(chunk));
        }

        store.UpsertUsers(Batch([new UserRecord { UserId = Erased }]));
        var held = store.History(Erased).Count;
        var position = store.Stats.LogPosition;

        var result = store.EraseUser(Erased);

        Assert.Equal(new ErasureResult(true, events.Count(e => e.UserId == Erased), 0), result);
        Assert.Equal(held, result.Events);
        Assert.Null(Snapshot(store, Erased));
        Assert.Empty(store.History(Erased));
        Assert.Null(store.FindUser(Erased));
        Assert.Equal(position + 1, store.Stats.LogPosition); // the erasure takes a position of its own
        Assert.DoesNotContain(store.ReadLog(0, 100_000), l => l.Event.UserId == Erased);
        AssertProfiles(store, expected);
    }

    [Fact]
    public void EraseUser_ThenReopenAfterACrash_NeverComesBack()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 40, events: 4_000);
        var expected = Reference(Engine, shop.Catalog, events.Where(e => e.UserId != Erased));
        using (var store = Store.Open(new DurableStoreOptions { CheckpointEveryEvents = 1_000 }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(700))
            {
                store.Ingest(Batch(chunk));
            }

            store.Checkpoint(); // the profile is in a snapshot as well as in the log
            Assert.True(store.EraseUser(Erased).Found);
            Store.Crash();
            store.Abandon();
        }

        using (var reopened = Store.Open(new DurableStoreOptions(), Engine))
        {
            Assert.Null(Snapshot(reopened, Erased));
            Assert.Empty(reopened.History(Erased));
            AssertProfiles(reopened, expected);
            reopened.Checkpoint();
        }

        using var again = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Null(Snapshot(again, Erased));
        AssertProfiles(again, expected);
    }

    [Fact]
    public void EraseUser_LaterEventForTheSameId_StartsANewEmptyProfile()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 40, events: 2_000);
        var later = events.First(e => e.UserId == Erased) with { EventId = "after-erasure", TimestampMs = events.Max(e => e.TimestampMs) + 1_000 };
        var expected = Reference(Engine, shop.Catalog, [later]);
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events));
            store.EraseUser(Erased);

            Assert.Equal(1, store.Ingest(Batch([later])).Accepted);
            Assert.Equal(expected[Erased], Snapshot(store, Erased));
            Assert.Equal(["after-erasure"], store.History(Erased).Select(e => e.EventId));
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Equal(expected[Erased], Snapshot(reopened, Erased));
    }

    [Fact]
    public void EraseUser_UnknownUser_NotFoundAndNothingWritten()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 10, events: 500);
        using var store = Store.Open(new DurableStoreOptions(), Engine);
        store.UpsertItems(Batch(shop.Catalog));
        store.Ingest(Batch(events));
        var position = store.Stats.LogPosition;

        Assert.Equal(new ErasureResult(false, 0, 0), store.EraseUser("nobody"));
        Assert.Equal(position, store.Stats.LogPosition);
    }

    [Fact]
    public void EraseUser_DeadLettersNamingTheUser_DeletedOthersKept()
    {
        using var store = Store.Open(new DurableStoreOptions(), Engine);
        string[] raw = [$$"""{"userId":"{{Erased}}","type":"nope"}""", """{"userId":"u70","type":"nope"}""", $$"""{{Erased}},view,,bad-time"""];
        store.Ingest(new ParsedBatch<BehaviorEvent>([], [.. raw.Select((_, i) => new RecordError(i, null, ["type: unknown"]))], raw));
        Assert.Equal(3, store.DeadLetters().Count);

        var result = store.EraseUser(Erased);

        Assert.Equal(new ErasureResult(true, 0, 2), result);
        var kept = Assert.Single(store.DeadLetters());
        Assert.Contains("u70", kept.Record, StringComparison.Ordinal);
        Assert.Equal(1, store.Stats.DeadLetters);
    }

    [Fact]
    public void UpsertUsers_ProfilingWithheld_ProfileAndEventsGoAndLaterEventsAreOnlyCounted()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 40, events: 3_000);
        var first = events.Take(2_000).ToList();
        var rest = events.Skip(2_000).ToList();
        var expected = Reference(Engine, shop.Catalog, events.Where(e => e.UserId != Erased));
        var withheld = new UserRecord { UserId = Erased, Consent = new Dictionary<string, bool> { [UserRecord.ProfilingConsent] = false } };
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(first));
            Assert.NotNull(Snapshot(store, Erased));

            store.UpsertUsers(Batch([withheld]));
            var later = store.Ingest(Batch(rest));

            Assert.Null(Snapshot(store, Erased));
            Assert.Empty(store.History(Erased));
            Assert.Equal((rest.Count, rest.Count(e => e.UserId == Erased)), (later.Accepted, later.Withheld));
            Assert.Equal(rest.Count(e => e.UserId == Erased), store.Stats.UnprofiledEvents);
            Assert.Equal(withheld.Consent, store.FindUser(Erased)!.Consent);
            AssertProfiles(store, expected);
        }

        var again = events.First(e => e.UserId == Erased) with { EventId = "after-reopen", TimestampMs = events.Max(e => e.TimestampMs) + 1 };
        using (var reopened = Store.Open(new DurableStoreOptions(), Engine))
        {
            Assert.Equal(1, reopened.Ingest(Batch([again])).Withheld); // the consent is read back with the user records
            Assert.Null(Snapshot(reopened, Erased));
            AssertProfiles(reopened, expected);

            reopened.UpsertUsers(Batch([withheld with { Consent = new Dictionary<string, bool> { [UserRecord.ProfilingConsent] = true } }]));
            var given = reopened.Ingest(Batch([again with { EventId = "after-consent" }]));

            Assert.Equal((1, 0), (given.Accepted, given.Withheld));
            Assert.Equal(["after-consent"], reopened.History(Erased).Select(e => e.EventId));
        }
    }

    [Fact]
    public void EraseUser_CommitFails_StoreStopsAndTheUserIsStillWholeAfterReopen()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 20, events: 1_000);
        var expected = Reference(Engine, shop.Catalog, events);
        var (store, backend) = OpenFaulty(new DurableStoreOptions());
        using (store)
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events));
            backend.Before = op =>
            {
                if (op == "Commit")
                {
                    throw new IOException("injected: the erasure's commit fails");
                }
            };

            Assert.ThrowsAny<Exception>(() => store.EraseUser(Erased));
            Assert.False(store.Health.IsHealthy);
            Assert.NotNull(Snapshot(store, Erased)); // reads go on, and nothing was half-erased
            backend.Before = _ => { };
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        AssertProfiles(reopened, expected);
        Assert.Equal(events.Count(e => e.UserId == Erased), reopened.History(Erased).Count);
    }
}
