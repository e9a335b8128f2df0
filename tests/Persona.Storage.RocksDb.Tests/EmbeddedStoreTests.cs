using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Serialization;
using Persona.Synthetic;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.RocksDb.Tests;

/// <summary>What is particular to the RocksDB backend: checkpoints as ingested table files, and stores written by earlier builds.</summary>
public sealed class EmbeddedStoreTests : IDisposable
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

    [Theory]
    [InlineData(int.MaxValue)] // through the write-ahead log
    [InlineData(EmbeddedStoreOptions.DefaultCheckpointFileMinProfiles)] // as table files, one per core
    public void Reopen_CheckpointOfManyProfiles_EveryProfileReadBackFromDisk(int checkpointFileMinProfiles)
    {
        // Enough users for a checkpoint of tens of thousands of profiles.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 100_000, events: 150_000);
        var expected = Reference(_engine, shop.Catalog, events);
        Assert.True(expected.Count > 20_000, $"only {expected.Count} users");
        using (var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir, CheckpointEveryEvents = 100_000, CheckpointFileMinProfiles = checkpointFileMinProfiles }, _engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(5_000))
            {
                store.Ingest(Batch(chunk));
            }
        }

        using var reopened = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir, ProfileCacheBytes = 1 << 20 }, _engine);
        Assert.Equal(events.Count + 1, reopened.Stats.CheckpointPosition);
        Assert.Equal(0, reopened.Stats.CachedProfiles); // nothing replayed: every profile comes from its checkpoint
        AssertProfiles(reopened, expected);
    }

    [Fact]
    public void Checkpoint_AsTableFile_KeysSharingPrefixesAndNonAsciiReadBackAfterReopen()
    {
        // Table files need keys in strictly ascending byte order: ids that share their first eight bytes,
        // ids that extend others, and multi-byte UTF-8 exercise the sort.
        string[] users = ["abcdefgh", "abcdefg", "abcdefgh1", "abcdefgh0", "abcdefghé", "abcdefgh\u00ff", "zz", "é-user", "日本語のユーザー", "a", "abcdefgi", "ABCDEFGH"];
        var (shop, shopEvents) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 20, events: 600);
        var events = shopEvents.Select((e, i) => e with { UserId = users[i % users.Length], SessionId = null }).ToList();
        var expected = Reference(_engine, shop.Catalog, events);
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

        using var reopened = EmbeddedProfileStore.Open(options with { ProfileCacheBytes = 1 << 20 }, _engine);
        Assert.Equal(0, reopened.Stats.CachedProfiles); // nothing replayed: every profile comes from its checkpoint
        Assert.Equal(users.Length, expected.Count);
        AssertProfiles(reopened, expected);
    }

    [Fact]
    public void Open_LeftoverCheckpointFile_RemovedAndIgnored()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 30, events: 1_000);
        var expected = Reference(_engine, shop.Catalog, events);
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
        AssertProfiles(reopened, expected);
    }

    [Fact]
    public void Open_StoreWrittenByAnEarlierBuild_ProfilesReadNamesLearnedAndEncodingsUpgraded()
    {
        // Fixtures/store-f85523d: `persona generate --users 40 --events 800 --items 120 --seed 9`, imported by
        // commit f85523d (profile encoding 1, no manifest, no stored feature names), then one preference event.
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "Fixtures", "store-f85523d"), _dir);
        var shop = new SyntheticShop(new ShopOptions { Users = 40, Events = 800, Items = 120, Seed = 9 });
        var preference = new BehaviorEvent
        {
            EventId = "pref1",
            Type = (byte)EventType.Preference,
            UserId = "u1",
            TimestampMs = DateTimeOffset.Parse("2026-01-20T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            Context = new() { Values = new Dictionary<string, string> { ["category"] = "Garden/Tools", ["brand"] = "Acme" } },
        };
        var events = shop.Events().Append(preference).ToList();
        using (var backend = RocksDbBackend.Open(new EmbeddedStoreOptions { DataDirectory = _dir }))
        {
            Assert.Equal(1, ProfileCodec.VersionOf(backend.Profiles.Read("u1")));
            Assert.Null(backend.Meta.Read(StoreManifest.Key));
        }

        using (var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir }, _engine))
        {
            Assert.Equal(801, store.Stats.LogPosition);
            AssertProfilesBesideSatisfaction(store, Reference(_engine, shop.Catalog, events), preference.TimestampMs);
            var view = store.Read("u1", s => new ProfileReader(_engine).Read(s, store.Catalog, preference.TimestampMs, k: 50))!;
            Assert.Contains(view.Interests.Categories, c => c.Feature == "category:Garden/Tools");
            Assert.Contains(view.Interests.Brands, b => b.Feature == "brand:Acme");
            Assert.Equal(1, store.Ingest(Batch([events[5] with { EventId = "after-upgrade", UserId = "u1", TimestampMs = preference.TimestampMs }])).Accepted);
            var recent = events.Where(e => e.TimestampMs > preference.TimestampMs - (long)TimeSpan.FromDays(3).TotalMilliseconds).ToList();
            Assert.NotEmpty(recent);
            Assert.Equal(recent.Count, store.Ingest(Batch(recent)).Duplicate);
        }

        using (var backend = RocksDbBackend.Open(new EmbeddedStoreOptions { DataDirectory = _dir }))
        {
            Assert.Equal(ProfileCodec.CurrentVersion, ProfileCodec.VersionOf(backend.Profiles.Read("u1")));
            Assert.Equal(1, ProfileCodec.VersionOf(backend.Profiles.Read("u2"))); // unchanged profiles keep their encoding
            var manifest = StoreManifest.FromBytes(backend.Meta.Read(StoreManifest.Key)!);
            Assert.Equal((EngineConfigJson.Hash(_engine.Config), (int)ProfileCodec.CurrentVersion), (manifest.EngineConfigHash, manifest.ProfileCodecVersion));
        }

        // The names were stored: a reopen that scans nothing still knows them.
        using var again = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir }, _engine);
        Assert.Equal(0, again.Recovered.Replayed);
        Assert.Equal("category:Garden/Tools", again.Catalog.FeatureName(FeatureId.Of(FeatureKind.Category, "Garden/Tools")));
    }

    /// <summary>
    /// Profiles written before engine behaviour 2 hold no satisfaction (it fills from the events after the upgrade):
    /// everything else served is what a store built today from the same events serves.
    /// </summary>
    private void AssertProfilesBesideSatisfaction(Persona.Core.Pipeline.IProfileStore store, Dictionary<string, byte[]> reference, long nowMs)
    {
        var reader = new ProfileReader(_engine);
        var withSatisfaction = 0;
        foreach (var (user, bytes) in reference)
        {
            var expected = reader.Read(ProfileCodec.Deserialize(bytes), store.Catalog, nowMs, k: 50);
            withSatisfaction += expected.Satisfaction is null ? 0 : 1;
            var actual = store.Read(user, s => reader.Read(s, store.Catalog, nowMs, k: 50));
            Assert.NotNull(actual);
            Assert.Null(actual.Satisfaction);
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected with { Satisfaction = null }), System.Text.Json.JsonSerializer.Serialize(actual));
        }

        Assert.True(withSatisfaction > 0, "the reference has no satisfaction to leave out");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
