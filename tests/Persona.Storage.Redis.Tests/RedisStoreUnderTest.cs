using Persona.Core.Engine;
using Persona.Storage.Backend;
using Persona.Storage.TestKit;
using Persona.TestData;
using StackExchange.Redis;

namespace Persona.Storage.Redis.Tests;

/// <summary>
/// The Redis backend on a <c>redis-server</c> of the test's own (<see cref="RedisServer"/>: append-only file,
/// <c>appendfsync always</c>), one connection shared by every backend the test opens. A crash stops every open
/// backend as <see cref="CrashableBackend.Kill"/> does, then SIGKILLs the server and starts it again on the same
/// directory and port. Under <c>appendfsync always</c> Redis fsyncs every write before it answers it, so there is
/// no unsynced tail for a crash to cut: every acknowledged commit, durable or not, survives, whatever
/// <c>keepUnsynced</c> asks (the fraction keeps everything). That a crash inside a commit's record in the
/// append-only file loses the whole commit is Redis's to show, and RedisAtomicityTests shows it.
/// </summary>
internal sealed class RedisStoreUnderTest(params string[] serverArguments) : IStoreUnderTest
{
    private readonly List<CrashableBackend> _open = [];
    private ConnectionMultiplexer? _connection;

    public RedisServer Server { get; } = RedisServer.Start(serverArguments);

    public string KeyPrefix { get; } = "persona:test";

    /// <summary>The connection every backend of this test shares (opened again after a crash).</summary>
    public IConnectionMultiplexer Connection => _connection ??= ConnectionMultiplexer.Connect(Server.Endpoint + ",allowAdmin=true");

    public DurableProfileStore Open(DurableStoreOptions options, ProfileEngine engine, TimeProvider? clock = null)
    {
        var redis = Options(options);
        redis.Validate();
        return DurableProfileStore.Open(OpenBackend(options), redis, engine, $"redis {Server.Endpoint} {{{KeyPrefix}}}", clock);
    }

    public IStoreBackend OpenBackend(DurableStoreOptions options)
    {
        var backend = new CrashableBackend(RedisStoreBackend.Open(Options(options), Connection), () => { });
        lock (_open)
        {
            _open.Add(backend);
        }

        return backend;
    }

    public void Crash(double keepUnsynced = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepUnsynced);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keepUnsynced, 1);
        lock (_open)
        {
            foreach (var backend in _open)
            {
                backend.Kill().Dispose(); // the shared connection stays: disposing writes nothing
            }

            _open.Clear();
        }

        Server.Restart();
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>The options of a store at this location.</summary>
    public RedisStoreOptions Options(DurableStoreOptions options) =>
        new(options) { Configuration = Server.Endpoint, KeyPrefix = KeyPrefix };

    public void Dispose()
    {
        lock (_open)
        {
            foreach (var backend in _open)
            {
                backend.Dispose();
            }
        }

        _connection?.Dispose();
        Server.Dispose();
    }
}
