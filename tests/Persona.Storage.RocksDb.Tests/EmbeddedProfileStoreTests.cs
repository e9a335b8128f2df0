using Microsoft.Extensions.Time.Testing;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Serialization;
using Persona.Synthetic;

namespace Persona.Storage.RocksDb.Tests;

public sealed class EmbeddedProfileStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "persona-store-" + Guid.NewGuid().ToString("N"));
    private readonly ProfileEngine _engine = new(new EngineConfig());

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static ParsedBatch<T> Batch<T>(IEnumerable<T> records) => new([.. records.Select((r, i) => (i, r))], [], []);

    private static (SyntheticShop Shop, List<BehaviorEvent> Events) Shop(DateTimeOffset start, int users = 200, int events = 20_000) =>
        Shop(new ShopOptions { Seed = 3, Users = users, Items = 400, Events = events, Start = start, MeanSessionGap = TimeSpan.FromDays(1) });

    private static (SyntheticShop Shop, List<BehaviorEvent> Events) Shop(ShopOptions options)
    {
        var shop = new SyntheticShop(options);
        return (shop, shop.Events().ToList());
    }

    private Dictionary<string, byte[]> Reference(SyntheticShop shop, IEnumerable<BehaviorEvent> events)
    {
        var catalog = new CatalogIndex();
        catalog.Upsert(shop.Catalog);
        var reference = new InMemoryProfiles(_engine, catalog);
        foreach (var e in events)
        {
            reference.Apply(e);
        }

        return reference.States.ToDictionary(p => p.Key, p => ProfileCodec.Serialize(p.Value));
    }

    private static byte[] Snapshot(EmbeddedProfileStore store, string user) =>
        store.Read(user, s =>
        {
            var copy = s.Clone();
            copy.AppliedSeq = 0;
            return ProfileCodec.Serialize(copy);
        })!;

    [Theory]
    [InlineData(int.MaxValue)] // every checkpoint through the write-ahead log
    [InlineData(1)] // every checkpoint as an ingested table file
    public void Ingest_SmallCacheBudget_EvictsAndServesColdProfilesFromDisk(int checkpointFileMinProfiles)
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-30));
        var expected = Reference(shop, events);
        using var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir, MaxCachedProfiles = 20, CheckpointEveryEvents = 1_000, CheckpointFileMinProfiles = checkpointFileMinProfiles }, _engine);
        store.UpsertItems(Batch(shop.Catalog));
        foreach (var chunk in events.Chunk(500))
        {
            store.Ingest(Batch(chunk));
        }

        store.Checkpoint();
        Assert.True(store.Stats.CachedProfiles <= 20, $"{store.Stats.CachedProfiles} profiles cached");
        Assert.Equal(expected.Count, expected.Keys.Count(u => store.Read(u, s => s) is not null));
        foreach (var (user, bytes) in expected)
        {
            Assert.Equal(bytes, Snapshot(store, user));
        }
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public void Read_DuringIngestWithCheckpointsAndEviction_NeverGoesBackAndEndsExact(int checkpointFileMinProfiles)
    {
        // Readers race batches, background checkpoints and evictions (which free cached profiles): every read
        // must decode a whole profile, and a user's event count must never go backwards.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-30), users: 300, events: 30_000);
        var expected = Reference(shop, events);
        var users = expected.Keys.ToArray();
        using var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir, MaxCachedProfiles = 40, CheckpointEveryEvents = 600, CheckpointFileMinProfiles = checkpointFileMinProfiles }, _engine);
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
        foreach (var (user, bytes) in expected)
        {
            Assert.Equal(bytes, Snapshot(store, user));
        }
    }

    [Fact]
    public void Stats_AfterIngest_CachedBytesAreTheProfilesEncodedSizes()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-30), users: 50, events: 2_000);
        using var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir }, _engine);
        store.UpsertItems(Batch(shop.Catalog));
        foreach (var chunk in events.Chunk(400))
        {
            store.Ingest(Batch(chunk));
        }

        var users = events.Select(e => e.UserId).Distinct().ToList();
        var encoded = users.Sum(u => (long)store.Read(u, ProfileCodec.Serialize)!.Length);
        Assert.Equal(users.Count, store.Stats.CachedProfiles);
        Assert.Equal(encoded, store.Stats.CachedProfileBytes);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(EmbeddedStoreOptions.DefaultCheckpointFileMinProfiles)]
    public void Reopen_CheckpointOfManyProfiles_EveryProfileReadBackFromDisk(int checkpointFileMinProfiles)
    {
        // Enough users for a checkpoint of tens of thousands of profiles.
        var (shop, events) = Shop(new ShopOptions { Seed = 5, Users = 100_000, Items = 400, Events = 150_000, Start = DateTimeOffset.UtcNow.AddDays(-30), MeanSessionGap = TimeSpan.FromDays(1) });
        var expected = Reference(shop, events);
        Assert.True(expected.Count > 20_000, $"only {expected.Count} users");
        using (var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir, CheckpointEveryEvents = 100_000, CheckpointFileMinProfiles = checkpointFileMinProfiles }, _engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(5_000))
            {
                store.Ingest(Batch(chunk));
            }
        }

        using var reopened = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir, MaxCachedProfiles = 100 }, _engine);
        Assert.Equal(events.Count, reopened.Stats.CheckpointPosition);
        Assert.Equal(0, reopened.Stats.CachedProfiles); // nothing replayed: every profile comes from its checkpoint
        foreach (var (user, bytes) in expected)
        {
            Assert.Equal(bytes, Snapshot(reopened, user));
        }
    }

    [Fact]
    public void Checkpoint_AsTableFile_KeysSharingPrefixesAndNonAsciiReadBackAfterReopen()
    {
        // Table files need keys in strictly ascending byte order: ids that share their first eight bytes,
        // ids that extend others, and multi-byte UTF-8 exercise the sort.
        string[] users = ["abcdefgh", "abcdefg", "abcdefgh1", "abcdefgh0", "abcdefghé", "abcdefgh\u00ff", "zz", "é-user", "日本語のユーザー", "a", "abcdefgi", "ABCDEFGH"];
        var (shop, shopEvents) = Shop(DateTimeOffset.UtcNow.AddDays(-30), users: 20, events: 600);
        var events = shopEvents.Select((e, i) => e with { UserId = users[i % users.Length], SessionId = null }).ToList();
        var expected = Reference(shop, events);
        var options = new EmbeddedStoreOptions { DataDirectory = _dir, CheckpointFileMinProfiles = 1 };
        using (var store = EmbeddedProfileStore.Open(options, _engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events.Take(300)));
            store.Checkpoint();
            store.Ingest(Batch(events.Skip(300)));
            store.Checkpoint(); // a second file over the same keys: the newer profiles win
            Assert.False(Directory.Exists(Path.Combine(_dir, "ingest")) && Directory.EnumerateFileSystemEntries(Path.Combine(_dir, "ingest")).Any());
        }

        using var reopened = EmbeddedProfileStore.Open(options with { MaxCachedProfiles = 1 }, _engine);
        Assert.Equal(0, reopened.Stats.CachedProfiles); // nothing replayed: every profile comes from its checkpoint
        Assert.Equal(users.Length, expected.Count);
        foreach (var (user, bytes) in expected)
        {
            Assert.Equal(bytes, Snapshot(reopened, user));
        }
    }

    [Fact]
    public void Open_LeftoverCheckpointFile_RemovedAndIgnored()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-30), users: 30, events: 1_000);
        var expected = Reference(shop, events);
        using (var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir }, _engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events));
        }

        // A crash while a checkpoint's table file was being written leaves it behind, unfinished.
        var ingest = Directory.CreateDirectory(Path.Combine(_dir, "ingest"));
        File.WriteAllBytes(Path.Combine(ingest.FullName, "profiles-999.sst"), [1, 2, 3]);
        using var reopened = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir, CheckpointFileMinProfiles = 1 }, _engine);
        Assert.False(Directory.Exists(ingest.FullName));
        foreach (var (user, bytes) in expected)
        {
            Assert.Equal(bytes, Snapshot(reopened, user));
        }
    }

    [Fact]
    public void Ingest_LargeBatchWithRepeats_FirstOfEachIdAcceptedInBatchOrder()
    {
        // 6,000 records: large enough for deduplication on every core; 1,000 of them repeat earlier ids.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-30), events: 5_000);
        var batch = events.Concat(events.Take(1_000).Reverse()).ToList();
        var expected = Reference(shop, events);
        using var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir }, _engine);
        store.UpsertItems(Batch(shop.Catalog));

        var first = store.Ingest(Batch(batch));
        var second = store.Ingest(Batch(batch));

        Assert.Equal((5_000, 1_000), (first.Accepted, first.Duplicate));
        Assert.Equal((0, 6_000), (second.Accepted, second.Duplicate));
        Assert.Equal(5_000, store.Stats.LogPosition);
        foreach (var (user, bytes) in expected)
        {
            Assert.Equal(bytes, Snapshot(store, user));
        }
    }

    [Fact]
    public void Ingest_ReopenedStore_DuplicatesStillRecognised()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-30), events: 3_000);
        using (var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir }, _engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            Assert.Equal(3_000, store.Ingest(Batch(events)).Accepted);
        }

        using var reopened = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir }, _engine);
        var again = reopened.Ingest(Batch(events.Take(1_000).Concat(events.Take(10))));
        Assert.Equal(0, again.Accepted);
        Assert.Equal(1_010, again.Duplicate);
        Assert.Equal(3_000, reopened.Stats.LogPosition);
    }

    [Fact]
    public void History_UserChain_ReturnsTheUsersEventsInOrder()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-30), events: 5_000);
        using var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir }, _engine);
        store.UpsertItems(Batch(shop.Catalog));
        store.Ingest(Batch(events)); // one batch, encoded on every core
        foreach (var user in events.Select(e => e.UserId).Distinct())
        {
            Assert.Equal(events.Where(e => e.UserId == user).Select(e => e.EventId), store.History(user).Select(e => e.EventId));
        }

        Assert.Empty(store.History("nobody"));
    }

    [Fact]
    public void CompactRetention_OldEvents_RemovedProfilesKept()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var (shop, events) = Shop(new ShopOptions { Seed = 4, Users = 50, Items = 200, Events = 4_000, Start = clock.GetUtcNow().AddDays(-60), MeanSessionGap = TimeSpan.FromHours(6) });
        var options = new EmbeddedStoreOptions { DataDirectory = _dir, Retention = TimeSpan.FromDays(30) };
        using var store = EmbeddedProfileStore.Open(options with { Retention = TimeSpan.Zero }, _engine, clock);
        store.UpsertItems(Batch(shop.Catalog));
        store.Ingest(Batch(events));
        var before = events.Select(e => e.UserId).Distinct().ToDictionary(u => u, u => Snapshot(store, u));
        store.Dispose();

        using var retained = EmbeddedProfileStore.Open(options, _engine, clock);
        var horizon = clock.GetUtcNow().AddDays(-30).ToUnixTimeMilliseconds();
        var old = events.TakeWhile(e => e.TimestampMs < horizon).Count();
        Assert.True(old > 0);
        Assert.Equal(old, retained.CompactRetention());
        foreach (var (user, bytes) in before)
        {
            Assert.Equal(bytes, Snapshot(retained, user));
            Assert.All(retained.History(user), e => Assert.True(e.TimestampMs >= horizon));
        }

        var late = retained.Ingest(Batch([events[0] with { EventId = "late" }]));
        Assert.Equal(1, late.Rejected);
        Assert.StartsWith("timestamp: ", late.Errors[0].Errors[0], StringComparison.Ordinal);
        Assert.Contains("older than the retention horizon (30 days)", late.Errors[0].Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_RejectedRecords_KeptInDeadLetterWithReasons()
    {
        using var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir }, _engine);
        var parser = new EventParser(_engine.Types, TimeProvider.System);
        var result = store.Ingest(parser.ParseBody("""[{"eventId":"x","type":"rate","userId":"u","itemId":"i","timestamp":1,"rating":9}]"""u8.ToArray()));
        Assert.Equal(1, result.Rejected);
        var letter = Assert.Single(store.DeadLetters());
        Assert.Equal("x", letter.Id);
        Assert.Equal(["rating: 9 is outside 1..5"], letter.Errors);
        Assert.Equal(1, store.Stats.DeadLetters);
    }
}
