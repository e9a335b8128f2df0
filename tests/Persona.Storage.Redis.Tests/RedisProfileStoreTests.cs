using Microsoft.Extensions.DependencyInjection;
using Persona.Core.Engine;
using Persona.Core.Pipeline;
using Persona.Storage.Redis.Hosting;
using Persona.TestData;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.Redis.Tests;

/// <summary>Opening the Redis store as a host does: its own connection, the durability check, the service registration.</summary>
public sealed class RedisProfileStoreTests
{
    [Fact]
    public void Open_ServerWithAppendFsyncEverysec_RefusedNamingTheSetting()
    {
        using var server = RedisServer.Start("--appendfsync", "everysec");
        var options = new RedisStoreOptions { Configuration = server.Endpoint };
        var error = Assert.Throws<InvalidOperationException>(() => RedisProfileStore.Open(options, new ProfileEngine(new EngineConfig())));
        Assert.Contains("appendfsync everysec", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ServerWithAnRdbPreamble_RefusedNamingTheSetting()
    {
        using var server = RedisServer.Start("--aof-use-rdb-preamble", "yes");
        var options = new RedisStoreOptions { Configuration = server.Endpoint };
        var error = Assert.Throws<InvalidOperationException>(() => RedisProfileStore.Open(options, new ProfileEngine(new EngineConfig())));
        Assert.Contains("aof-use-rdb-preamble yes", error.Message, StringComparison.Ordinal);

        using var allowed = RedisProfileStore.Open(options with { RequireAofWithoutRdbPreamble = false }, new ProfileEngine(new EngineConfig()));
        Assert.Equal(0, allowed.Stats.LogPosition);
    }

    [Fact]
    public void AddRedisProfileStore_ResolvedFromAUrl_OneStoreBehindEveryServiceAndItsEventsKept()
    {
        using var server = RedisServer.Start();
        var options = new RedisStoreOptions { Configuration = $"redis://{server.Endpoint}", KeyPrefix = "persona:p3" };
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-1), users: 20, events: 300);
        var engine = new ProfileEngine(new EngineConfig());
        var services = new ServiceCollection().AddLogging().AddSingleton(engine).AddSingleton(TimeProvider.System);
        services.AddRedisProfileStore(options);
        using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<IProfileStore>();
            Assert.Same(store, provider.GetRequiredService<IStoreMaintenance>());
            store.UpsertItems(Batch(shop.Catalog));
            Assert.Equal(300, store.Ingest(Batch(events)).Accepted);
        }

        using var reopened = RedisProfileStore.Open(options, engine);
        Assert.Equal(301, reopened.Stats.LogPosition);
        AssertProfiles(reopened, Reference(engine, shop.Catalog, events));
    }
}
