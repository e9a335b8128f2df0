using System.Globalization;
using Persona.Core.Engine;
using Persona.Storage;
using Persona.Storage.Backend;
using Persona.Storage.Encryption;
using Persona.Storage.Redis;
using StackExchange.Redis;

namespace Persona.Cluster;

/// <summary>
/// The partitions' stores in the cluster's Redis: partition <c>p</c> is the store under key prefix
/// <c>CLUSTER:pP</c> (one Redis Cluster slot each). All of a silo's stores and log readers share one connection.
/// The partition count is recorded in Redis by the first silo; a silo configured with another count refuses to
/// start, since users would land in other partitions than their data.
/// </summary>
public sealed class RedisPartitionStores : IPartitionStores, IDisposable
{
    private readonly PersonaClusterOptions _options;
    private readonly ProfileEngine _engine;
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _loggers;
    private readonly ConnectionMultiplexer _redis;

    /// <summary>Stores opening at once at most (each open is a few blocking Redis round trips and a replay).</summary>
    private readonly SemaphoreSlim _opening = new(4, 4);

    public RedisPartitionStores(PersonaClusterOptions options, ProfileEngine engine, TimeProvider clock, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _engine = engine;
        _clock = clock;
        _loggers = loggers;
        var config = RedisConfiguration.Parse(options.Redis);
        config.AbortOnConnectFail = false;
        config.AllowAdmin = true; // the stores check the server's durability settings (CONFIG GET) when they open
        _redis = ConnectionMultiplexer.Connect(config);
        Count = RecordPartitionCount();
    }

    public int Count { get; }

    /// <summary>The silo's connection to the cluster's Redis, shared with what else the cluster keeps there.</summary>
    public IConnectionMultiplexer Connection => _redis;

    public async Task<DurableProfileStore> OpenAsync(int partition, CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => RedisProfileStore.Open(Options(partition), _engine, _redis, _clock, _loggers.CreateLogger($"Persona.Store.P{partition}")), cancellationToken);
        }
        finally
        {
            _opening.Release();
        }
    }

    public IEventLogStore OpenLog(int partition)
    {
        var backend = RedisStoreBackend.OpenReadOnly(Options(partition), _redis);
        return _options.Store.Encryption is { } ring ? StoreEncryption.Reading(backend, ring, $"partition {partition}").Log : backend.Log;
    }

    public void Dispose()
    {
        _redis.Dispose();
        _opening.Dispose();
    }

    private RedisStoreOptions Options(int partition) =>
        new(_options.Store) { Configuration = _options.Redis, KeyPrefix = $"{_options.ClusterId}:p{partition.ToString(CultureInfo.InvariantCulture)}" };

    private int RecordPartitionCount()
    {
        var db = _redis.GetDatabase();
        var key = new RedisKey($"{{{_options.ClusterId}}}:partitions");
        db.StringSet(key, _options.Partitions, when: When.NotExists);
        var recorded = (int)db.StringGet(key);
        if (recorded != _options.Partitions)
        {
            throw new InvalidOperationException(
                $"the cluster '{_options.ClusterId}' in Redis has {recorded} partitions, this silo is configured for {_options.Partitions}: start it with --partitions {recorded}");
        }

        return recorded;
    }
}
