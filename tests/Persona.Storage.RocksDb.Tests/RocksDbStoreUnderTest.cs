using System.Globalization;
using Persona.Core.Engine;
using Persona.Storage.Backend;
using Persona.Storage.TestKit;

namespace Persona.Storage.RocksDb.Tests;

/// <summary>
/// The embedded RocksDB backend in a fresh temporary directory, deleted at the end of the test. A crash closes the
/// database without flushing its memtables and cuts its newest write-ahead log file back to what was synced: what
/// RocksDB promises is that a synced write (and every write before it, the log being sequential) survives a loss of
/// power, and that an unsynced one may not. Table files (flushes, ingested checkpoints) and older log files are
/// synced by RocksDB before they count, so they are kept; only the newest log file holds writes nothing synced yet.
/// </summary>
internal sealed class RocksDbStoreUnderTest(int checkpointFileMinProfiles = EmbeddedStoreOptions.DefaultCheckpointFileMinProfiles) : IStoreUnderTest
{
    private readonly List<CrashableBackend> _open = [];
    private (string File, long Length)? _synced;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "persona-store-" + Guid.NewGuid().ToString("N"));

    public DurableProfileStore Open(DurableStoreOptions options, ProfileEngine engine, TimeProvider? clock = null)
    {
        var embedded = Options(options);
        embedded.Validate();
        return DurableProfileStore.Open(OpenBackend(options), embedded, engine, Directory, clock);
    }

    public IStoreBackend OpenBackend(DurableStoreOptions options)
    {
        var backend = new CrashableBackend(RocksDbBackend.Open(Options(options)), RecordSynced);
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
                ((RocksDbBackend)backend.Kill()).CloseWithoutFlush();
            }

            _open.Clear();
        }

        if (NewestLog() is not { } log)
        {
            return;
        }

        var synced = _synced is { } s && s.File == log.Name ? s.Length : 0;
        if (log.Length > synced)
        {
            using var file = new FileStream(log.FullName, FileMode.Open, FileAccess.Write);
            file.SetLength(synced + (long)((log.Length - synced) * keepUnsynced));
        }
    }

    public void Dispose()
    {
        lock (_open)
        {
            foreach (var backend in _open)
            {
                backend.Dispose();
            }
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Called with writes held off, right after a synced write: the newest log file is synced up to its length.</summary>
    private void RecordSynced()
    {
        if (NewestLog() is { } log)
        {
            _synced = (log.Name, log.Length);
        }
    }

    /// <summary>The write-ahead log file with the highest number (RocksDB names them 000123.log).</summary>
    private FileInfo? NewestLog() =>
        new DirectoryInfo(Directory).EnumerateFiles("*.log")
            .MaxBy(f => long.Parse(Path.GetFileNameWithoutExtension(f.Name), CultureInfo.InvariantCulture));

    private EmbeddedStoreOptions Options(DurableStoreOptions options) =>
        new(options) { DataDirectory = Directory, CheckpointFileMinProfiles = checkpointFileMinProfiles };
}
