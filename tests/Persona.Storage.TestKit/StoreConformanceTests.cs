using Microsoft.Extensions.Time.Testing;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Serialization;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.TestKit;

/// <summary>
/// What every backend must give the durable pipeline in normal operation: exact profiles across reopen,
/// deduplication within its horizon, user history, catalog changes in log order, bounded recovery, retention,
/// budgets. A backend's test project subclasses this with its <see cref="IStoreUnderTest"/>.
/// </summary>
public abstract class StoreConformanceTests : StoreTestBase
{
    [Fact]
    public void Ingest_ThenReopen_ProfilesEqualTheUncrashedReference()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-20));
        var expected = Reference(Engine, shop.Catalog, events);
        using (var store = Store.Open(new DurableStoreOptions { CheckpointEveryEvents = 3_000 }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(700))
            {
                store.Ingest(Batch(chunk));
            }

            AssertProfiles(store, expected);
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Equal(events.Count + 1, reopened.Stats.LogPosition); // the events and one catalog change
        AssertProfiles(reopened, expected);
    }

    [Fact]
    public void Ingest_ResentBatches_AllDuplicatesAlsoAfterReopen()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), events: 3_000);
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            Assert.Equal(3_000, store.Ingest(Batch(events)).Accepted);
            var again = store.Ingest(Batch(events.Take(500)));
            Assert.Equal((0, 500), (again.Accepted, again.Duplicate));
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        var resent = reopened.Ingest(Batch(events.Skip(1_000).Take(1_000).Concat(events.Take(10))));
        Assert.Equal((0, 1_010, 0), (resent.Accepted, resent.Duplicate, resent.Rejected));
        Assert.Equal(3_001, reopened.Stats.LogPosition);
    }

    [Fact]
    public void Ingest_LargeBatchWithRepeats_FirstOfEachIdAcceptedInBatchOrder()
    {
        // 6,000 records: large enough for deduplication on every core; 1,000 of them repeat earlier ids.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), events: 5_000);
        var batch = events.Concat(events.Take(1_000).Reverse()).ToList();
        var expected = Reference(Engine, shop.Catalog, events);
        using var store = Store.Open(new DurableStoreOptions(), Engine);
        store.UpsertItems(Batch(shop.Catalog));

        var first = store.Ingest(Batch(batch));
        var second = store.Ingest(Batch(batch));

        Assert.Equal((5_000, 1_000), (first.Accepted, first.Duplicate));
        Assert.Equal((0, 6_000), (second.Accepted, second.Duplicate));
        Assert.Equal(5_001, store.Stats.LogPosition);
        AssertProfiles(store, expected);
    }

    [Fact]
    public void History_UserChain_ReturnsTheUsersEventsInOrder()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), events: 5_000);
        using var store = Store.Open(new DurableStoreOptions(), Engine);
        store.UpsertItems(Batch(shop.Catalog));
        store.Ingest(Batch(events)); // one batch, encoded on every core
        foreach (var user in events.Select(e => e.UserId).Distinct())
        {
            Assert.Equal(events.Where(e => e.UserId == user).Select(e => e.EventId), store.History(user).Select(e => e.EventId));
        }

        Assert.Empty(store.History("nobody"));
    }

    [Fact]
    public void ReadLog_EventsAndCatalogChanges_EventsInLogOrderFromAnyPositionAlsoAfterReopen()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), events: 3_000);
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            Assert.Equal(0, store.LogPosition);
            Assert.Empty(store.ReadLog(0, 10));
            store.UpsertItems(Batch(shop.Catalog)); // a catalog record takes a position, and is skipped
            store.Ingest(Batch(events.Take(2_000)));
            store.Ingest(Batch(events.Take(10))); // duplicates take no position
            store.Ingest(Batch(events.Skip(2_000)));
            Assert.Equal(3_001, store.LogPosition);
            var all = store.ReadLog(0, 10_000);
            Assert.Equal(events.Select(e => e.EventId), all.Select(l => l.Event.EventId));
            Assert.Equal(Enumerable.Range(2, 3_000).Select(i => (long)i), all.Select(l => l.Seq));
            var page = store.ReadLog(1_500, 100);
            Assert.Equal(events.Skip(1_499).Take(100).Select(e => e.EventId), page.Select(l => l.Event.EventId));
            Assert.Empty(store.ReadLog(3_001, 10));
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Equal(3_001, reopened.LogPosition);
        Assert.Equal(events.TakeLast(5).Select(e => e.EventId), reopened.ReadLog(2_996, 100).Select(l => l.Event.EventId));
    }

    [Fact]
    public void VisitUsers_CachedCheckpointedAndEvictedProfiles_EachUserOnce()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 3_000, events: 20_000);
        var users = events.Select(e => e.UserId).Distinct().Order(StringComparer.Ordinal).ToList();
        using (var store = Store.Open(new DurableStoreOptions { ProfileCacheBytes = 1 << 20, CheckpointEveryEvents = 5_000 }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(1_000))
            {
                store.Ingest(Batch(chunk));
            }

            var visited = new List<string>();
            store.VisitUsers(visited.Add);
            Assert.Equal(users, visited.Order(StringComparer.Ordinal));
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        var again = new List<string>();
        reopened.VisitUsers(again.Add);
        Assert.Equal(users, again.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void UpsertItems_CatalogChangesBetweenBatches_ReplayAppliesEachEventWithTheCatalogOfItsTime()
    {
        // Items move to another category and change price mid-stream; the store is reopened after a checkpoint
        // taken before the change and with the later events still to replay: replay must see the catalog as it
        // was when each event was first applied.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), events: 6_000);
        var moved = shop.Catalog.Take(200).Select(i => i with { CategoryPath = ["Moved", "Elsewhere"], Price = (i.Price ?? 1) * 3 }).ToList();
        var added = Enumerable.Range(0, 20).Select(i => new CatalogItem { ItemId = $"new{i}", CategoryPath = ["Fresh"], Brand = "Newco", Price = 10 + i }).ToList();
        var late = events.Skip(4_000).Select((e, i) => i % 5 == 0 ? e with { ItemId = added[i % added.Count].ItemId } : e).ToList();
        var expected = Reference(Engine, shop.Catalog, [events.Take(2_000), events.Skip(2_000).Take(2_000), moved, added, late]);
        using (var store = Store.Open(new DurableStoreOptions { CheckpointEveryEvents = int.MaxValue }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events.Take(2_000)));
            store.Checkpoint();
            store.Ingest(Batch(events.Skip(2_000).Take(2_000))); // replayed with the items as they were
            store.UpsertItems(Batch(moved));
            store.UpsertItems(Batch(added));
            store.Ingest(Batch(late)); // replayed with the items moved and added
            AssertProfiles(store, expected);
            store.Abandon(); // no checkpoint at close: the reopen replays both catalog changes and 4,000 events
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        Assert.Equal(4_000, reopened.Recovered.Replayed);
        AssertProfiles(reopened, expected);
        Assert.Equal(["Moved", "Elsewhere"], reopened.Catalog.Record(moved[0].ItemId)!.CategoryPath);
        Assert.NotNull(reopened.Catalog.Record("new3"));
    }

    [Fact]
    public void Ingest_PreferenceNamesNotInTheCatalog_NamedAfterReopen()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), events: 500);
        var preference = new BehaviorEvent
        {
            EventId = "pref-1",
            Type = (byte)EventType.Preference,
            UserId = events[0].UserId,
            TimestampMs = events[^1].TimestampMs,
            Context = new() { Values = new Dictionary<string, string> { ["category"] = "Garden/Tools", ["brand"] = "Acme Outdoor" } },
        };
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch([.. events, preference]));
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        var reader = new ProfileReader(Engine);
        var view = reopened.Read(preference.UserId, s => reader.Read(s, reopened.Catalog, preference.TimestampMs, k: 50))!;
        Assert.Contains(view.Interests.Categories, c => c.Feature == "category:Garden/Tools");
        Assert.Contains(view.Interests.Brands, b => b.Feature == "brand:Acme Outdoor");
        Assert.DoesNotContain(view.Interests.Categories.Concat(view.Interests.Brands), f => f.Feature.Contains('#', StringComparison.Ordinal));
    }

    [Fact]
    public void Ingest_EventOlderThanTheDedupeHorizon_RejectedWithTheReason()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-20), events: 3_000, sessionGap: TimeSpan.FromDays(4));
        using var store = Store.Open(new DurableStoreOptions { DedupeHorizon = TimeSpan.FromDays(2), Retention = TimeSpan.FromDays(10) }, Engine);
        store.UpsertItems(Batch(shop.Catalog));
        Assert.Equal(3_000, store.Ingest(Batch(events)).Accepted);
        var newest = events.Max(e => e.TimestampMs);

        var late = events[0] with { EventId = "late", TimestampMs = newest - (long)TimeSpan.FromDays(2.5).TotalMilliseconds };
        var inside = events[0] with { EventId = "inside", TimestampMs = newest - (long)TimeSpan.FromDays(1.5).TotalMilliseconds };
        var result = store.Ingest(Batch([late, inside]));

        Assert.Equal((1, 1), (result.Accepted, result.Rejected));
        var error = Assert.Single(result.Errors);
        Assert.Equal("late", error.Id);
        var reason = Assert.Single(error.Errors);
        Assert.StartsWith("timestamp: ", reason, StringComparison.Ordinal);
        Assert.Contains("is older than the deduplication horizon (2 days before the newest event", reason, StringComparison.Ordinal);
        Assert.Equal("late", store.DeadLetters(1)[0].Id);
    }

    [Fact]
    public void Ingest_ResentEventsWithinTheHorizon_DuplicatesHoweverLateTheyComeAndAfterReopen()
    {
        // Sixty days of events with a 7-day horizon: everything re-sent is either a duplicate (within the
        // horizon) or refused as too old; nothing is counted twice, before or after a reopen.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-60), users: 300, events: 12_000, sessionGap: TimeSpan.FromDays(3));
        var expected = Reference(Engine, shop.Catalog, events);
        var options = new DurableStoreOptions { DedupeHorizon = TimeSpan.FromDays(7), Retention = TimeSpan.Zero };
        using (var store = Store.Open(options, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(500))
            {
                store.Ingest(Batch(chunk));
            }
        }

        using var reopened = Store.Open(options, Engine);
        var newest = events.Max(e => e.TimestampMs);
        var horizon = newest - (long)TimeSpan.FromDays(7).TotalMilliseconds;
        var result = reopened.Ingest(Batch(events));
        Assert.Equal(0, result.Accepted);
        Assert.Equal(events.Count(e => e.TimestampMs >= horizon), result.Duplicate);
        Assert.Equal(events.Count(e => e.TimestampMs < horizon), result.Rejected);
        AssertProfiles(reopened, expected);
    }

    [Fact]
    public void Ingest_DedupeIndexFull_SpillsToDiskAndStaysExactToTheHorizonAlsoAfterReopen()
    {
        // A 1 MiB index holds about 45,000 ids in memory: far fewer than the 120,000 events within the horizon.
        // The oldest spill to disk, and late re-sends are found there.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-30), users: 2_000, events: 120_000, sessionGap: TimeSpan.FromDays(2));
        var expected = Reference(Engine, shop.Catalog, events);
        var options = new DurableStoreOptions { DedupeHorizon = TimeSpan.FromDays(60), Retention = TimeSpan.Zero, DedupeIndexBytes = 1 << 20 };
        var resent = events.Where((_, i) => i % 10 == 0).ToList();
        var newest = events.Max(e => e.TimestampMs);
        using (var store = Store.Open(options, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(2_000))
            {
                Assert.Equal(chunk.Length, store.Ingest(Batch(chunk)).Accepted);
            }

            Assert.True(store.Stats.DedupeBytes <= 1 << 20, $"{store.Stats.DedupeBytes} bytes");
            Assert.Equal(newest - (long)TimeSpan.FromDays(60).TotalMilliseconds, store.Stats.DedupeFloorMs); // the horizon did not shrink
            var again = store.Ingest(Batch(resent));
            Assert.Equal((0, resent.Count, 0), (again.Accepted, again.Duplicate, again.Rejected));
            Assert.True(store.Stats.DedupeDiskLookups > 0, "nothing was looked up on disk");
            AssertProfiles(store, expected);
        }

        using var reopened = Store.Open(options, Engine);
        Assert.True(reopened.Recovered.Scanned < events.Count / 2, $"{reopened.Recovered.Scanned} records read on open");
        var afterReopen = reopened.Ingest(Batch(resent));
        Assert.Equal((0, resent.Count, 0), (afterReopen.Accepted, afterReopen.Duplicate, afterReopen.Rejected));
        AssertProfiles(reopened, expected);
    }

    [Fact]
    public void Ingest_ABatchFillsTheIndexBeforeASpill_FloorRisesAndAReopenStillCountsNothingTwice()
    {
        // A batch of 20,000 into a 1 MiB index (about 45,000 ids) with spills under way: the index may have to drop
        // entries it never spilled, raising the floor; a reopen must keep that floor, and every re-send is either a
        // duplicate or refused as too old.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-30), users: 2_000, events: 120_000, sessionGap: TimeSpan.FromDays(2));
        var options = new DurableStoreOptions { DedupeHorizon = TimeSpan.FromDays(60), Retention = TimeSpan.Zero, DedupeIndexBytes = 1 << 20 };
        var batches = events.Take(60_000).Chunk(2_000).Append(events.Skip(60_000).Take(20_000).ToArray()).Concat(events.Skip(80_000).Chunk(2_000));
        using (var store = Store.Open(options, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var batch in batches)
            {
                Assert.Equal(batch.Length, store.Ingest(Batch(batch)).Accepted);
                Thread.Sleep(10); // spills get written between batches, as at a real rate
            }

            var again = store.Ingest(Batch(events));
            Assert.Equal((0, events.Count), (again.Accepted, again.Duplicate + again.Rejected));
        }

        using var reopened = Store.Open(options, Engine);
        var afterReopen = reopened.Ingest(Batch(events));
        Assert.Equal((0, events.Count), (afterReopen.Accepted, afterReopen.Duplicate + afterReopen.Rejected));
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
    }

    [Fact]
    public void Ingest_EventsOfTheFirstDaysOf1970_SpilledAndFoundLikeAnyOthers()
    {
        // Near the epoch the floor (watermark minus the horizon) is negative, and so are day buckets.
        var step = (long)TimeSpan.FromDays(4).TotalMilliseconds / 120_000;
        var events = Enumerable.Range(0, 120_000).Select(i => new BehaviorEvent { EventId = $"e{i}", Type = (byte)EventType.Search, UserId = $"u{i % 500}", TimestampMs = 1 + (i * step), Text = "x" }).ToList();
        using var store = Store.Open(new DurableStoreOptions { DedupeHorizon = TimeSpan.FromDays(7), Retention = TimeSpan.Zero, DedupeIndexBytes = 1 << 20 }, Engine);
        foreach (var chunk in events.Chunk(2_000))
        {
            Assert.Equal(chunk.Length, store.Ingest(Batch(chunk)).Accepted);
            Thread.Sleep(10);
        }

        var again = store.Ingest(Batch(events.Take(20_000)));
        Assert.Equal((0, 20_000, 0), (again.Accepted, again.Duplicate, again.Rejected));
        Assert.True(store.Stats.DedupeDiskLookups > 0, "nothing was looked up on disk");
    }

    [Fact]
    public void Open_AfterALongLog_ReadsOnlyTheDedupeWindowAndNoReplay()
    {
        // About fifty days of events (500 users with a session every five days: some 600 events a day); the
        // reopen reads the records of the last 7 days (the horizon) and a little more (marks are per batch), not
        // the whole log.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-60), users: 500, events: 30_000, sessionGap: TimeSpan.FromDays(5));
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(1_000))
            {
                store.Ingest(Batch(chunk));
            }
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        var newest = events.Max(e => e.TimestampMs);
        var window = events.Count(e => e.TimestampMs >= newest - (long)TimeSpan.FromDays(7).TotalMilliseconds);
        Assert.Equal(0, reopened.Recovered.Replayed);
        Assert.InRange(reopened.Recovered.Scanned, window, window + 1_000);
        Assert.True(reopened.Recovered.Scanned < events.Count / 4, $"{reopened.Recovered.Scanned} of {events.Count} records read");
    }

    [Fact]
    public void CompactRetention_OldEvents_DeletedProfilesKept()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // Twenty users with a session every two days: about sixty events a day, two months in all.
        var (shop, events) = Shop(clock.GetUtcNow().AddDays(-70), users: 20, events: 4_000, sessionGap: TimeSpan.FromDays(2));
        var options = new DurableStoreOptions { Retention = TimeSpan.FromDays(30), DedupeHorizon = TimeSpan.FromDays(7) };
        using var store = Store.Open(options, Engine, clock);
        store.UpsertItems(Batch(shop.Catalog));
        foreach (var chunk in events.Chunk(200))
        {
            store.Ingest(Batch(chunk));
        }

        store.Checkpoint();
        var before = events.Select(e => e.UserId).Distinct().ToDictionary(u => u, u => Snapshot(store, u));
        var horizon = events.Max(e => e.TimestampMs) - (long)TimeSpan.FromDays(30).TotalMilliseconds;

        var deleted = store.CompactRetention();

        // Whole batches older than the horizon go (a batch's mark is its newest event); nothing younger does.
        var oldBatches = events.Chunk(200).TakeWhile(c => c.Max(e => e.TimestampMs) < horizon).Sum(c => c.Length);
        Assert.Equal(oldBatches + 1, deleted); // and the catalog change before them
        foreach (var (user, bytes) in before)
        {
            Assert.Equal(bytes, Snapshot(store, user));
        }

        var kept = events.Skip(oldBatches).Select(e => e.EventId).ToHashSet();
        Assert.All(before.Keys, u => Assert.All(store.History(u), e => Assert.Contains(e.EventId, kept)));
        Assert.Equal(0, store.CompactRetention()); // nothing more until the watermark moves
    }

    [Fact]
    public void Ingest_SmallCacheBudget_EvictsAndServesColdProfilesFromDisk()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 4_000, events: 40_000);
        var expected = Reference(Engine, shop.Catalog, events);
        using var store = Store.Open(new DurableStoreOptions { ProfileCacheBytes = 1 << 20, CheckpointEveryEvents = 5_000 }, Engine);
        store.UpsertItems(Batch(shop.Catalog));
        foreach (var chunk in events.Chunk(1_000))
        {
            store.Ingest(Batch(chunk));
        }

        store.Checkpoint();
        Assert.True(store.Stats.CachedProfileBytes <= 1 << 20, $"{store.Stats.CachedProfileBytes} bytes cached");
        Assert.True(store.Stats.CachedProfiles < expected.Count / 2, $"{store.Stats.CachedProfiles} of {expected.Count} profiles cached");
        AssertProfiles(store, expected);
    }

    [Fact]
    public void Read_DuringIngestWithCheckpointsAndEviction_NeverGoesBackAndEndsExact()
    {
        // Readers race batches, background checkpoints and evictions (which free cached profiles): every read
        // must decode a whole profile, and a user's event count must never go backwards.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 3_000, events: 30_000);
        var expected = Reference(Engine, shop.Catalog, events);
        var users = expected.Keys.ToArray();
        using var store = Store.Open(new DurableStoreOptions { ProfileCacheBytes = 1 << 20, CheckpointEveryEvents = 600 }, Engine);
        store.UpsertItems(Batch(shop.Catalog));
        using var stop = new CancellationTokenSource();
        var reads = new long[2];
        using var started = new CountdownEvent(2);

        // Own threads (not the pool, which the store's batches keep busy), each running before ingestion starts.
        var readers = Enumerable.Range(0, 2).Select(r => Task.Factory.StartNew(() =>
        {
            var rng = new Random(r);
            var seen = new Dictionary<string, long>();
            while (!stop.IsCancellationRequested)
            {
                var user = users[rng.Next(users.Length)];
                var count = store.Read(user, s => (object)s.EventCount) is long c ? c : 0;
                var before = seen.GetValueOrDefault(user);
                Assert.True(count >= before, $"{user}: {count} events after {before}");
                seen[user] = count;
                if (reads[r]++ == 0)
                {
                    started.Signal();
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the readers did not start");
        foreach (var chunk in events.Chunk(300))
        {
            store.Ingest(Batch(chunk));
        }

        stop.Cancel();
        Task.WaitAll(readers);
        store.Checkpoint();
        Assert.All(reads, n => Assert.True(n > 100, $"only {n} reads"));
        AssertProfiles(store, expected);
    }

    [Fact]
    public void Stats_AfterIngest_CachedBytesAreTheEncodingsAndEntries()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 50, events: 2_000);
        using var store = Store.Open(new DurableStoreOptions(), Engine);
        store.UpsertItems(Batch(shop.Catalog));
        foreach (var chunk in events.Chunk(400))
        {
            store.Ingest(Batch(chunk));
        }

        var users = events.Select(e => e.UserId).Distinct().ToList();
        var held = users.Sum(u => store.Read(u, ProfileCodec.Serialize)!.Length + Cache.ProfileCache.CostOf(u));
        Assert.Equal(users.Count, store.Stats.CachedProfiles);
        Assert.Equal(held, store.Stats.CachedProfileBytes);
    }

    [Fact]
    public void DeadLetters_OverTheByteBudget_OldestExpireFirst()
    {
        using var store = Store.Open(new DurableStoreOptions { DeadLetterBytes = 20_000 }, Engine);
        var parser = new EventParser(Engine.Types, TimeProvider.System);
        for (var i = 0; i < 200; i++)
        {
            var result = store.Ingest(parser.ParseBody(System.Text.Encoding.UTF8.GetBytes($$"""[{"eventId":"x{{i}}","type":"rate","userId":"u","itemId":"i","timestamp":1,"rating":9}]""")));
            Assert.Equal(1, result.Rejected);
        }

        Assert.True(store.Stats.DeadLetterBytes <= 20_000, $"{store.Stats.DeadLetterBytes} bytes");
        var kept = store.DeadLetters(1_000);
        Assert.Equal(store.Stats.DeadLetters, kept.Count);
        Assert.Equal("x199", kept[0].Id);
        Assert.Equal(Enumerable.Range(200 - kept.Count, kept.Count).Reverse().Select(i => $"x{i}"), kept.Select(d => d.Id));
        Assert.Equal(["rating: 9 is outside 1..5"], kept[0].Errors);
    }

    [Fact]
    public void DeadLetters_OlderThanTheirRetention_ExpireAtCompaction()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var store = Store.Open(new DurableStoreOptions { DeadLetterRetention = TimeSpan.FromDays(7) }, Engine, clock);
        var parser = new EventParser(Engine.Types, clock);
        store.Ingest(parser.ParseBody("""[{"eventId":"old","type":"rate","userId":"u","itemId":"i","timestamp":1,"rating":0}]"""u8.ToArray()));
        clock.Advance(TimeSpan.FromDays(6));
        store.Ingest(parser.ParseBody("""[{"eventId":"young","type":"rate","userId":"u","itemId":"i","timestamp":1,"rating":0}]"""u8.ToArray()));
        clock.Advance(TimeSpan.FromDays(2));

        store.CompactRetention();

        Assert.Equal(["young"], store.DeadLetters().Select(d => d.Id));
    }

    [Fact]
    public void Open_DifferentEngineConfiguration_RefusedNamingTheSettings()
    {
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.Ingest(Batch(Shop(DateTimeOffset.UtcNow.AddDays(-1), events: 100).Events));
        }

        var other = new ProfileEngine(new EngineConfig { CategoryHalfLife = TimeSpan.FromDays(3), RecentItems = 20 });
        var error = Assert.Throws<InvalidOperationException>(() => Store.Open(new DurableStoreOptions(), other));
        Assert.Contains($"was built with engine configuration {EngineConfigJson.Hash(Engine.Config)}", error.Message, StringComparison.Ordinal);
        Assert.Contains("categoryHalfLife: \"14.00:00:00\" → \"3.00:00:00\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("recentItems: 50 → 20", error.Message, StringComparison.Ordinal);
        using var same = Store.Open(new DurableStoreOptions(), Engine); // the stored configuration still opens it
        Assert.Equal(100, same.Stats.LogPosition);
    }

    [Fact]
    public void Open_ManifestOfFormat1_ReadAsEngineBehaviour1AndUpgraded()
    {
        // A format-1 manifest (as builds before behaviour versions wrote it: no engineBehaviour) on a store with
        // a checkpoint and events to replay: it opens exact, and its manifest is rewritten as the current format.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-2), events: 2_000);
        DateTimeOffset created;
        using (var store = Store.Open(new DurableStoreOptions { CheckpointEveryEvents = int.MaxValue }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events.Take(1_000)));
            store.Checkpoint();
            store.Ingest(Batch(events.Skip(1_000)));
            store.Abandon();
        }

        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            var manifest = System.Text.Json.Nodes.JsonNode.Parse(backend.Meta.Read(StoreManifest.Key))!.AsObject();
            Assert.Equal(ProfileEngine.BehaviourVersion, (int)manifest["engineBehaviour"]!);
            created = StoreManifest.FromBytes(backend.Meta.Read(StoreManifest.Key)!).CreatedAt;
            manifest.Remove("engineBehaviour");
            manifest["format"] = 1;
            var write = new Backend.StoreWrite();
            write.Meta.Add(new Backend.KeyedValue(StoreManifest.Key, System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString())));
            backend.Commit(write, durable: true);
        }

        using (var reopened = Store.Open(new DurableStoreOptions(), Engine))
        {
            Assert.Equal(1_000, reopened.Recovered.Replayed);
            AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
        }

        using var upgraded = Store.OpenBackend(new DurableStoreOptions());
        var stored = StoreManifest.FromBytes(upgraded.Meta.Read(StoreManifest.Key)!);
        Assert.Equal((StoreManifest.CurrentFormat, ProfileEngine.BehaviourVersion, created), (stored.Format, stored.EngineBehaviour, stored.CreatedAt));
    }

    [Fact]
    public void Open_StoreOfBehaviour1WithTheConfigurationBeforeSatisfaction_OpensAndTheManifestIsRewritten()
    {
        // Behaviour 2 only adds satisfaction, and its settings have defaults: a store an earlier build wrote opens.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-2), events: 500);
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events));
        }

        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            var config = System.Text.Json.Nodes.JsonNode.Parse(EngineConfigJson.Canonical(Engine.Config))!.AsObject();
            config.Remove("satisfactionHalfLife");
            config.Remove("satisfactionSignals");
            var text = config.ToJsonString();
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
            var old = StoreManifest.FromBytes(backend.Meta.Read(StoreManifest.Key)!) with { EngineBehaviour = 1, EngineConfig = text, EngineConfigHash = hash };
            backend.Commit(new Backend.StoreWrite { Meta = { new Backend.KeyedValue(StoreManifest.Key, old.ToBytes()) } }, durable: true);
        }

        using (var reopened = Store.Open(new DurableStoreOptions(), Engine))
        {
            AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
        }

        using var upgraded = Store.OpenBackend(new DurableStoreOptions());
        var stored = StoreManifest.FromBytes(upgraded.Meta.Read(StoreManifest.Key)!);
        Assert.Equal((ProfileEngine.BehaviourVersion, EngineConfigJson.Hash(Engine.Config)), (stored.EngineBehaviour, stored.EngineConfigHash));
    }

    [Fact]
    public void Open_StoreOfANewerEngineBehaviour_RefusedNamingBothVersions()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-2), events: 500);
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events));
        }

        var other = ProfileEngine.BehaviourVersion + 1;
        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            var manifest = StoreManifest.FromBytes(backend.Meta.Read(StoreManifest.Key)!) with { EngineBehaviour = other };
            backend.Commit(new Backend.StoreWrite { Meta = { new Backend.KeyedValue(StoreManifest.Key, manifest.ToBytes()) } }, durable: true);
        }

        var error = Assert.Throws<InvalidOperationException>(() => Store.Open(new DurableStoreOptions(), Engine));
        Assert.Contains($"holds profiles computed by engine behaviour {other}, and this build applies events by engine behaviour {ProfileEngine.BehaviourVersion}", error.Message, StringComparison.Ordinal);

        // Refused before anything was written: the stored version stands, and the store opens once it matches.
        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            var manifest = StoreManifest.FromBytes(backend.Meta.Read(StoreManifest.Key)!);
            Assert.Equal(other, manifest.EngineBehaviour);
            backend.Commit(new Backend.StoreWrite { Meta = { new Backend.KeyedValue(StoreManifest.Key, (manifest with { EngineBehaviour = ProfileEngine.BehaviourVersion }).ToBytes()) } }, durable: true);
        }

        using var reopened = Store.Open(new DurableStoreOptions(), Engine);
        AssertProfiles(reopened, Reference(Engine, shop.Catalog, events));
    }
}
