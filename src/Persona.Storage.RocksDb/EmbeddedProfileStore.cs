using Microsoft.Extensions.Logging;
using Persona.Core.Engine;

namespace Persona.Storage.RocksDb;

/// <summary>The embedded default: the durable pipeline (<see cref="DurableProfileStore"/>) on RocksDB in-process, in one data directory.</summary>
public static class EmbeddedProfileStore
{
    /// <summary>Opens (or creates) the store in <see cref="EmbeddedStoreOptions.DataDirectory"/> and recovers it.</summary>
    public static DurableProfileStore Open(EmbeddedStoreOptions options, ProfileEngine engine, TimeProvider? clock = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return DurableProfileStore.Open(RocksDbBackend.Open(options), options, engine, options.DataDirectory, clock, logger);
    }
}
