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

    /// <summary>The canonical JSON of the engine configuration the store in <paramref name="dataDirectory"/> was built with; null when it has no manifest.</summary>
    public static string? StoredEngineConfig(string dataDirectory)
    {
        if (!Directory.Exists(dataDirectory))
        {
            return null;
        }

        using var backend = RocksDbBackend.Open(new EmbeddedStoreOptions { DataDirectory = dataDirectory });
        return backend.Meta.Read(StoreManifest.Key) is { } bytes ? StoreManifest.FromBytes(bytes).EngineConfig : null;
    }
}
