using System.Text;
using Persona.Core.Pipeline;
using Persona.Storage.Backend;
using RocksDbSharp;

namespace Persona.Storage.RocksDb;

/// <summary>
/// The embedded backend: one RocksDB database in the data directory, a column family per kind of record
/// (events, profiles, items, users, deadletter, meta, eventids). A commit is one atomic write batch across families,
/// fsynced through the write-ahead log when durable.
/// </summary>
internal sealed class RocksDbBackend : IStoreBackend
{
    // Flushes and the first compaction write uncompressed: those files are short-lived, and compressing them
    // took a fifth of the flush thread's time. Data that settles in the lower levels is compressed with LZ4.
    /// <summary>The column families in the order of <c>_families</c>.</summary>
    private static readonly string[] FamilyNames = ["events", "profiles", "items", "users", "deadletter", "meta", "eventids"];
    private static readonly Compression[] LevelCompression = [Compression.No, Compression.No, Compression.Lz4, Compression.Lz4, Compression.Lz4, Compression.Lz4, Compression.Lz4];
    private readonly RocksDbSharp.RocksDb _db;
    private readonly ColumnFamilyHandle[] _families;
    private readonly WriteOptions _syncWrite;
    private readonly WriteOptions _plainWrite;
    private bool _disposed;

    private RocksDbBackend(EmbeddedStoreOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var table = new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10, false)).SetWholeKeyFiltering(true);

        // Several write buffers per family, so that bursts do not stall behind memtable flushes.
        ColumnFamilyOptions Cf(ulong writeBuffer) => new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(table)
            .SetWriteBufferSize(writeBuffer)
            .SetMaxWriteBufferNumber(6)
            .SetCompressionPerLevel(LevelCompression, (ulong)LevelCompression.Length);
        var profileOptions = Cf(64 << 20);

        // Event ids on disk: looked up by (bucket, fingerprint) prefix, so the Bloom filters are over prefixes.
        var idOptions = new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10, false)).SetWholeKeyFiltering(false))
            .SetPrefixExtractor(SliceTransform.CreateFixedPrefix(RocksEventIds.PrefixLength))
            .SetMemtablePrefixBloomSizeRatio(0.1)
            .SetWriteBufferSize(16 << 20)
            .SetCompressionPerLevel(LevelCompression, (ulong)LevelCompression.Length);
        var families = new ColumnFamilies
        {
            { "events", Cf(64 << 20) },
            { "profiles", profileOptions },
            { "items", Cf(8 << 20) },
            { "users", Cf(8 << 20) },
            { "deadletter", Cf(4 << 20) },
            { "meta", Cf(1 << 20) },
            { "eventids", idOptions },
        };

        // The write-ahead log is bounded: past it, the families holding its oldest data are flushed, so that
        // reopening after a crash replays at most this much of it.
        var db = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount))
            .SetMaxBackgroundCompactions(2)
            .SetMaxTotalWalSize(256UL << 20)
            .SetMaxManifestFileSize(1);

        // The manifest is a log of file changes, and each file's first and last keys are in it (user ids, in the
        // profile and user families). Rolled at every change, it holds only the live files, so that a purge
        // (which ends with a change) leaves no erased id in it; a roll writes a few kilobytes per flush or compaction.
        Native.Instance.rocksdb_options_set_max_manifest_space_amp_pct(db.Handle, 0);
        _db = RocksDbSharp.RocksDb.Open(db, options.DataDirectory, families);
        _families = [.. FamilyNames.Select(_db.GetColumnFamily)];
        _syncWrite = new WriteOptions().SetSync(true);
        _plainWrite = new WriteOptions().SetSync(false);
        Log = new RocksEventLog(_db, _families[0]);
        Profiles = new RocksProfileSnapshots(_db, _families[1], profileOptions, Path.Combine(options.DataDirectory, "ingest"), options.CheckpointFileMinProfiles);
        Records = new RocksRecords(_db, _families[2], _families[3]);
        DeadLetters = new RocksDeadLetters(_db, _families[4]);
        Meta = new RocksMeta(_db, _families[5]);
        EventIds = new RocksEventIds(_db, _families[6], idOptions, Path.Combine(options.DataDirectory, "ingest"));
    }

    /// <summary>The metadata key under which a purge records when it ran.</summary>
    public const string PurgedKey = "purged/at";

    public IEventLogStore Log { get; }

    public IProfileSnapshotStore Profiles { get; }

    public IRecordStore Records { get; }

    public IDeadLetterStore DeadLetters { get; }

    public IMetaStore Meta { get; }

    public IEventIdStore EventIds { get; }

    private ColumnFamilyHandle Events => _families[0];

    public static RocksDbBackend Open(EmbeddedStoreOptions options) => new(options);

    public void Commit(StoreWrite write, bool durable)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var wb = new WriteBatch();
        Span<byte> key = stackalloc byte[8];
        foreach (var (seq, record) in write.LogRecords)
        {
            Keys.Seq(seq, key);
            wb.Put(key, record.Span, Events);
        }

        foreach (var (seq, letter) in write.DeadLetters)
        {
            Keys.Seq(seq, key);
            wb.Put(key, letter.Span, _families[4]);
        }

        Put(wb, write.Items, _families[2]);
        Put(wb, write.Users, _families[3]);
        Put(wb, write.Meta, _families[5]);
        foreach (var seq in write.DeletedLogRecords)
        {
            Keys.Seq(seq, key);
            wb.Delete(key.ToArray(), Events);
        }

        foreach (var seq in write.DeletedDeadLetters)
        {
            Keys.Seq(seq, key);
            wb.Delete(key.ToArray(), _families[4]);
        }

        foreach (var user in write.DeletedProfiles)
        {
            wb.Delete(Encoding.UTF8.GetBytes(user), _families[1]);
        }

        _db.Write(wb, durable ? _syncWrite : _plainWrite);
    }

    /// <summary>Syncs the write-ahead log, which holds every commit.</summary>
    public void Sync() => Native.Instance.rocksdb_flush_wal(_db.Handle, 1);

    /// <summary>
    /// Flushes every family's memtable (so that the write-ahead log holding deleted values becomes obsolete and
    /// is deleted), then compacts every family whole, the bottommost level included, so that each delete drops
    /// the value it covers and then itself.
    /// </summary>
    public void Purge()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var flush = new FlushOptions().SetWaitForFlush(true);
        foreach (var family in _families)
        {
            Native.Instance.rocksdb_flush_cf(_db.Handle, flush.Handle, family.Handle);
        }

        var compact = Native.Instance.rocksdb_compactoptions_create();
        try
        {
            Native.Instance.rocksdb_compactoptions_set_bottommost_level_compaction(compact, 2); // kForce
            foreach (var family in _families)
            {
                Native.Instance.rocksdb_compact_range_cf_opt(_db.Handle, family.Handle, compact, IntPtr.Zero, UIntPtr.Zero, IntPtr.Zero, UIntPtr.Zero);
            }
        }
        finally
        {
            Native.Instance.rocksdb_compactoptions_destroy(compact);
        }

        // One more change after the compactions, so that the manifest rolls over to one listing only the files they left.
        _db.Put(Encoding.UTF8.GetBytes(PurgedKey), BitConverter.GetBytes(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), _families[5], _syncWrite);
        Native.Instance.rocksdb_flush_cf(_db.Handle, flush.Handle, _families[5].Handle);
    }

    public StoreFaultKind Classify(Exception failure)
    {
        for (var ex = failure; ex is not null; ex = ex.InnerException)
        {
            if (ex.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("NoSpace", StringComparison.Ordinal))
            {
                return StoreFaultKind.DiskFull;
            }
        }

        return StoreFaultKind.WriteFailed;
    }

    /// <summary>Flushes the memtables (so that the next open has no write-ahead log to replay) and closes the database.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            var flush = new FlushOptions().SetWaitForFlush(true);
            foreach (var family in _families)
            {
                Native.Instance.rocksdb_flush_cf(_db.Handle, flush.Handle, family.Handle);
            }
        }
        catch (RocksDbException)
        {
            // A failed flush (a full disk) loses nothing: the write-ahead log holds what the memtables held.
        }

        _db.Dispose();
    }

    /// <summary>
    /// Closes the database as a crash leaves it, for tests: no memtable flush, so that a reopen recovers from the
    /// write-ahead log (which a test may first cut back to what was synced).
    /// </summary>
    internal void CloseWithoutFlush()
    {
        if (!_disposed)
        {
            _disposed = true;
            _db.Dispose();
        }
    }

    private static void Put(WriteBatch wb, List<KeyedValue> values, ColumnFamilyHandle family)
    {
        foreach (var (key, value) in values)
        {
            var k = Encoding.UTF8.GetBytes(key);
            if (value is { } v)
            {
                wb.Put(k, v.Span, family);
            }
            else
            {
                wb.Delete(k, family);
            }
        }
    }
}
