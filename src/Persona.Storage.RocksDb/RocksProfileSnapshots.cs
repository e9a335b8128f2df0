using System.Buffers;
using System.Text;
using RocksDbSharp;

namespace Persona.Storage.RocksDb;

/// <summary>
/// Profiles in the <c>profiles</c> family under their UTF-8 user ids. A small checkpoint goes through one write
/// batch. A large one (<see cref="EmbeddedStoreOptions.CheckpointFileMinProfiles"/> profiles or more) bypasses
/// the write-ahead log and the memtable, which would write every profile twice: its keys are sorted, the profiles
/// written as table files (one per core over consecutive key ranges, in parallel) and ingested in one atomic
/// step. Table files of a checkpoint that a crash interrupted before their ingestion are deleted on open.
/// </summary>
internal sealed unsafe class RocksProfileSnapshots : Backend.IProfileSnapshotStore
{
    private static readonly ReadOnlySpanAction<byte, (WriteBatch Batch, SortedKeys Keys, int Index, ColumnFamilyHandle Family)> PutToBatch =
        static (value, s) => s.Batch.Put(s.Keys.Key(s.Index), value, s.Family);

    private static readonly ReadOnlySpanAction<byte, (SstFileWriter Writer, SortedKeys Keys, int Index)> PutToFile = PutFile;

    private readonly RocksDbSharp.RocksDb _db;
    private readonly ColumnFamilyHandle _family;
    private readonly ColumnFamilyOptions _options;
    private readonly string _ingestDirectory;
    private readonly int _fileMinProfiles;
    private readonly WriteOptions _plainWrite = new WriteOptions().SetSync(false);

    public RocksProfileSnapshots(RocksDbSharp.RocksDb db, ColumnFamilyHandle family, ColumnFamilyOptions options, string ingestDirectory, int fileMinProfiles)
    {
        _db = db;
        _family = family;
        _options = options;
        _ingestDirectory = ingestDirectory;
        _fileMinProfiles = fileMinProfiles;
        if (Directory.Exists(ingestDirectory))
        {
            Directory.Delete(ingestDirectory, recursive: true);
        }
    }

    public byte[]? Read(string userId) => _db.Get(Encoding.UTF8.GetBytes(userId), _family);

    public void Write(IReadOnlyList<Backend.IEncodedProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var keys = SortedKeys.Of(profiles);
        if (profiles.Count >= _fileMinProfiles)
        {
            WriteFiles(profiles, keys);
            return;
        }

        // Not synced: the next durable commit (a log write, or this checkpoint's record) makes it durable.
        using var wb = new WriteBatch();
        foreach (var j in keys.Order)
        {
            profiles[j].WriteTo((wb, keys, j, _family), PutToBatch);
        }

        _db.Write(wb, _plainWrite);
    }

    public void ScanUserIds(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        using var it = _db.NewIterator(_family);
        for (it.SeekToFirst(); it.Valid(); it.Next())
        {
            visitor(it.GetKeySpan());
        }
    }

    private static void PutFile(ReadOnlySpan<byte> value, (SstFileWriter Writer, SortedKeys Keys, int Index) s)
    {
        var key = s.Keys.Key(s.Index);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            Native.Instance.rocksdb_sstfilewriter_put(s.Writer.Handle, k, (UIntPtr)key.Length, v, (UIntPtr)value.Length);
        }
    }

    /// <summary>Writes the profiles in key order as table files, one per core over consecutive key ranges, and ingests them in one atomic step.</summary>
    private void WriteFiles(IReadOnlyList<Backend.IEncodedProfile> profiles, SortedKeys keys)
    {
        Directory.CreateDirectory(_ingestDirectory);
        var order = keys.Order;
        var parts = Math.Clamp(order.Length / _fileMinProfiles, 1, Math.Min(Environment.ProcessorCount, 8));
        var paths = new string?[parts];
        var finished = new bool[parts];
        var stamp = Guid.NewGuid().ToString("N");
        try
        {
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
            {
                var path = Path.Combine(_ingestDirectory, $"profiles-{stamp}-{p}.sst");
                using var writer = new SstFileWriter(new EnvOptions(), _options);
                writer.Open(path);
                paths[p] = path; // deleted below whatever happens
                var any = false;
                var (lo, hi) = Partitions.Slice(order.Length, parts, p);
                for (var i = lo; i < hi; i++)
                {
                    var j = order[i];
                    any |= profiles[j].WriteTo((writer, keys, j), PutToFile);
                }

                if (any)
                {
                    writer.Finish(); // a table file with no entries cannot be finished: such a part is left out
                    finished[p] = true;
                }
            });
            var files = paths.Where((_, p) => finished[p]).Select(path => path!).ToArray();
            if (files.Length > 0)
            {
                _db.IngestExternalFiles(files, new IngestExternalFileOptions().SetMoveFiles(true), _family);
            }
        }
        finally
        {
            foreach (var path in paths.OfType<string>())
            {
                File.Delete(path);
            }
        }
    }
}
