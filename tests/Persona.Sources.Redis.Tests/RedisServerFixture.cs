using Persona.TestData;
using StackExchange.Redis;

namespace Persona.Sources.Redis.Tests;

/// <summary>A real <c>redis-server</c> (<see cref="RedisServer"/>) shared by a test class, with a connection to it; stopped and removed with the fixture.</summary>
public sealed class RedisServerFixture : IDisposable
{
    // No persistence: these tests are about the stream source, not the durability of Redis.
    private readonly RedisServer _server = RedisServer.Start("--appendonly", "no");

    public RedisServerFixture()
    {
        Connection = ConnectionMultiplexer.Connect(_server.Endpoint);
    }

    public int Port => _server.Port;

    public string Address => $"redis://{_server.Endpoint}";

    public ConnectionMultiplexer Connection { get; }

    public IDatabase Db => Connection.GetDatabase();

    public void Dispose()
    {
        Connection.Dispose();
        _server.Dispose();
    }
}

/// <summary>The test classes that share one <see cref="RedisServerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class RedisServerGroup : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis";
}
