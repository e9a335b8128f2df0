using Persona.Core.Engine;
using Persona.Storage.Backend;
using Persona.Storage.TestKit;

namespace Persona.Storage.RocksDb.Tests;

/// <summary>The embedded RocksDB backend in a fresh temporary directory, deleted at the end of the test.</summary>
internal sealed class RocksDbStoreUnderTest(int checkpointFileMinProfiles = EmbeddedStoreOptions.DefaultCheckpointFileMinProfiles) : IStoreUnderTest
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "persona-store-" + Guid.NewGuid().ToString("N"));

    public DurableProfileStore Open(DurableStoreOptions options, ProfileEngine engine, TimeProvider? clock = null) =>
        EmbeddedProfileStore.Open(Options(options), engine, clock);

    public IStoreBackend OpenBackend(DurableStoreOptions options) => RocksDbBackend.Open(Options(options));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private EmbeddedStoreOptions Options(DurableStoreOptions options) =>
        new(options) { DataDirectory = Directory, CheckpointFileMinProfiles = checkpointFileMinProfiles };
}
