using Microsoft.Extensions.Logging;
using Persona.Core.Engine;
using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>The durable pipeline (<see cref="DurableProfileStore"/>) on a Redis server, as the store's writer.</summary>
public static class RedisProfileStore
{
    /// <summary>
    /// Opens (or creates) the store under <see cref="RedisStoreOptions.KeyPrefix"/> and recovers it, taking the
    /// writer epoch (any earlier writer of the store is fenced off from then on). <paramref name="connection"/> is a
    /// shared connection, left open when the store closes; without one the store connects and owns its connection.
    /// </summary>
    public static DurableProfileStore Open(RedisStoreOptions options, ProfileEngine engine, IConnectionMultiplexer? connection = null, TimeProvider? clock = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var backend = RedisStoreBackend.Open(options, connection);
        try
        {
            if (logger is not null)
            {
                RedisStoreLog.WriterEpoch(logger, backend.Where, backend.Epoch ?? 0);
            }

            return DurableProfileStore.Open(backend, options, engine, backend.Where, clock, logger);
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }
}
