using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Serialization;
using RocksDbSharp;

namespace Persona.Storage.RocksDb;

/// <summary>
/// The embedded default store, on RocksDB in-process. Accepted events are appended to a durable log
/// (one atomic write batch per request, fsynced before the batch is acknowledged) and applied to cached
/// profiles. Each log record also holds the log position of the same user's previous event, so a user's
/// history is a chain through the log and needs no second index. Checkpoints write the dirty profiles
/// together with the log position they reflect, atomically; each profile also records the last log
/// position applied to it, so recovery replays the log after the checkpoint and applies every event
/// exactly once. Event ids are deduplicated exactly by an in-memory index rebuilt from the log on open.
/// Cached profiles are kept encoded outside the managed heap (<see cref="CachedProfile"/>); a batch decodes
/// the profiles it touches, applies its events and publishes them again, so readers see whole batches.
/// </summary>
public sealed class EmbeddedProfileStore : IProfileStore
{
    private static readonly byte[] CheckpointKey = "checkpoint"u8.ToArray();
    private static readonly Func<ReadOnlySpan<byte>, ProfileState> DecodeProfile = ProfileCodec.Deserialize;
    private static readonly Func<ReadOnlySpan<byte>, long> AppliedSeqOfEncoding = ProfileCodec.ReadAppliedSeq;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly EmbeddedStoreOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly RocksDbSharp.RocksDb _db;
    private readonly ColumnFamilyHandle _events;
    private readonly ColumnFamilyHandle _profiles;
    private readonly ColumnFamilyOptions _profileOptions;
    private readonly string _ingestDirectory;
    private readonly ColumnFamilyHandle _items;
    private readonly ColumnFamilyHandle _users;
    private readonly ColumnFamilyHandle _deadLetter;
    private readonly ColumnFamilyHandle _meta;
    private readonly WriteOptions _syncWrite;
    private readonly WriteOptions _plainWrite;
    private readonly Lock _writeLock = new();
    private readonly ConcurrentDictionary<string, CachedProfile> _cache;
    private List<CachedProfile> _dirty = [];

    /// <summary>The checkpoint being written in the background (at most one at a time).</summary>
    private Task _checkpointWrite = Task.CompletedTask;
    private const int ReplayBatch = 8_192;
    private readonly DedupeIndex _eventIds = new();

    // Serialisation buffers reused across batches and checkpoints (used only under the write lock).
    private readonly List<BinaryWriterBuffer> _logBuffers = [];
    private readonly List<BinaryWriterBuffer> _encodeBuffers = [];

    /// <summary>One state per partition that each touched profile of a batch is decoded into in turn.</summary>
    private readonly List<ProfileState> _scratchStates = [];
    private readonly KeyFilter _userIds = new(1 << 18);
    private long _seq;
    private long _checkpointSeq;
    private long _deadLetterSeq;
    private long _accessClock;
    private long _sinceCheckpoint;
    private long _lastCheckpointTicks;
    private long _newestEventMs;
    private long _cachedBytes;
    private long _batchNumber;
    private bool _disposed;
    private Exception? _failure;

    // Flushes and the first compaction write uncompressed: those files are short-lived, and compressing them
    // took a fifth of the flush thread's time. Data that settles in the lower levels is compressed with LZ4.
    private static readonly Compression[] LevelCompression = [Compression.No, Compression.No, Compression.Lz4, Compression.Lz4, Compression.Lz4, Compression.Lz4, Compression.Lz4];

    private EmbeddedProfileStore(EmbeddedStoreOptions options, ProfileEngine engine, TimeProvider clock, ILogger logger)
    {
        _options = options;
        Engine = engine;
        _clock = clock;
        _logger = logger;

        // Sized for the cache budget up front: growing a table of a million entries rehashes all of them.
        _cache = new(Environment.ProcessorCount, Math.Min(options.MaxCachedProfiles, 1 << 20), StringComparer.Ordinal);
        Directory.CreateDirectory(options.DataDirectory);
        var table = new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10, false)).SetWholeKeyFiltering(true);
        // Several write buffers per family, so that bursts do not stall behind memtable flushes.
        ColumnFamilyOptions Cf(ulong writeBuffer) => new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(table)
            .SetWriteBufferSize(writeBuffer)
            .SetMaxWriteBufferNumber(6)
            .SetCompressionPerLevel(LevelCompression, (ulong)LevelCompression.Length);
        var families = new ColumnFamilies
        {
            { "events", Cf(64 << 20) },
            { "profiles", _profileOptions = Cf(64 << 20) },
            { "items", Cf(8 << 20) },
            { "users", Cf(8 << 20) },
            { "deadletter", Cf(4 << 20) },
            { "meta", Cf(1 << 20) },
        };
        var db = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .IncreaseParallelism(Math.Max(2, Environment.ProcessorCount))
            .SetMaxBackgroundCompactions(2);
        _db = RocksDbSharp.RocksDb.Open(db, options.DataDirectory, families);

        // Table files of checkpoints that a crash interrupted before their ingestion are not part of the store.
        _ingestDirectory = Path.Combine(options.DataDirectory, "ingest");
        if (Directory.Exists(_ingestDirectory))
        {
            Directory.Delete(_ingestDirectory, recursive: true);
        }

        _events = _db.GetColumnFamily("events");
        _profiles = _db.GetColumnFamily("profiles");
        _items = _db.GetColumnFamily("items");
        _users = _db.GetColumnFamily("users");
        _deadLetter = _db.GetColumnFamily("deadletter");
        _meta = _db.GetColumnFamily("meta");
        _syncWrite = new WriteOptions().SetSync(options.SyncWrites);
        _plainWrite = new WriteOptions().SetSync(false);
    }

    public ProfileEngine Engine { get; }

    public CatalogIndex Catalog { get; } = new();

    public StoreStats Stats => new(Interlocked.Read(ref _seq), Interlocked.Read(ref _checkpointSeq), _cache.Count, Interlocked.Read(ref _deadLetterSeq), Interlocked.Read(ref _newestEventMs), Interlocked.Read(ref _cachedBytes));

    /// <summary>Opens (or creates) the store, loads the catalog and recovers profiles from the last checkpoint and the log.</summary>
    public static EmbeddedProfileStore Open(EmbeddedStoreOptions options, ProfileEngine engine, TimeProvider? clock = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        options.Validate();
        var store = new EmbeddedProfileStore(options, engine, clock ?? TimeProvider.System, logger ?? NullLogger.Instance);
        try
        {
            store.Recover();
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    public IngestResult Ingest(ParsedBatch<BehaviorEvent> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var errors = new List<RecordError>(batch.Rejected);
            var deadRaw = new List<(RecordError, string)>(batch.Rejected.Select((r, i) => (r, batch.RejectedRaw[i])));
            var horizon = _options.Retention > TimeSpan.Zero ? _clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)_options.Retention.TotalMilliseconds : long.MinValue;
            var input = batch.Accepted;
            var partitions = input.Count >= 2_048 ? Math.Min(Environment.ProcessorCount, 8) : 1;

            // 1. Deduplication on every core: fingerprints by slice, then checks by fingerprint shard (an id
            // and its repeats in the batch meet in one shard; the index is only read here).
            var fingerprints = new ulong[input.Count];
            var duplicate = new bool[input.Count];
            var earlierSame = new int[input.Count];
            ForEachPartition(partitions, p =>
            {
                var (lo, hi) = Slice(input.Count, partitions, p);
                for (var i = lo; i < hi; i++)
                {
                    fingerprints[i] = DedupeIndex.Fingerprint(input[i].Record.EventId);
                }
            });
            ForEachPartition(partitions, p =>
            {
                // Repeats within the batch: the latest earlier index with the same fingerprint, chained
                // through earlierSame, and compared by id (a shared fingerprint alone proves nothing).
                var latest = new Dictionary<ulong, int>(input.Count / partitions);
                for (var i = 0; i < input.Count; i++)
                {
                    var fp = fingerprints[i];
                    if (DedupeIndex.ShardOf(fp) % partitions != p)
                    {
                        continue;
                    }

                    var e = input[i].Record;
                    if (e.TimestampMs < horizon)
                    {
                        continue;
                    }

                    ref var head = ref CollectionsMarshal.GetValueRefOrAddDefault(latest, fp, out var exists);
                    var repeat = false;
                    if (exists)
                    {
                        for (var j = head; j >= 0 && !repeat; j = earlierSame[j])
                        {
                            repeat = input[j].Record.EventId == e.EventId;
                        }
                    }

                    earlierSame[i] = exists ? head : -1;
                    head = i;
                    duplicate[i] = repeat || _eventIds.Contains(fp, e.EventId, EventIdAt);
                }
            });

            // Serial: retention horizon and log positions, in batch order.
            var accepted = new List<(long Seq, BehaviorEvent Event)>(input.Count);
            var acceptedFingerprints = new List<ulong>(input.Count);
            var duplicates = 0;
            for (var i = 0; i < input.Count; i++)
            {
                var (index, e) = input[i];
                if (e.TimestampMs < horizon)
                {
                    var error = new RecordError(index, e.EventId, [$"timestamp: {DateTimeOffset.FromUnixTimeMilliseconds(e.TimestampMs):O} is older than the retention horizon ({_options.Retention.TotalDays:0.#} days)"]);
                    errors.Add(error);
                    deadRaw.Add((error, Encoding(e)));
                }
                else if (duplicate[i])
                {
                    duplicates++;
                }
                else
                {
                    accepted.Add((_seq + accepted.Count + 1, e));
                    acceptedFingerprints.Add(fingerprints[i]);
                }
            }

            // 2. By user, on every core: load profiles, chain each event to the user's previous one, encode
            // into one buffer per partition.
            var n = accepted.Count;
            partitions = n >= 2_048 ? Math.Min(Environment.ProcessorCount, 8) : 1;
            var partition = new int[n];
            for (var i = 0; i < n; i++)
            {
                partition[i] = (accepted[i].Event.UserId.GetHashCode() & int.MaxValue) % partitions;
            }

            var entries = new CachedProfile[n];
            var offsets = new int[n];
            var lengths = new int[n];
            while (_logBuffers.Count < partitions)
            {
                _logBuffers.Add(new BinaryWriterBuffer(64 * 1024));
            }

            var buffers = _logBuffers;
            var tick = Interlocked.Increment(ref _accessClock);
            ForEachPartition(partitions, p =>
            {
                var buffer = buffers[p];
                buffer.Clear();
                for (var i = 0; i < n; i++)
                {
                    if (partition[i] != p)
                    {
                        continue;
                    }

                    var (seq, e) = accepted[i];
                    var entry = GetOrLoad(e.UserId, tick);
                    offsets[i] = buffer.Length;
                    buffer.WriteVarInt(entry.LastLoggedSeq);
                    EventCodec.Write(e, buffer);
                    lengths[i] = buffer.Length - offsets[i];
                    entry.LastLoggedSeq = seq;
                    entries[i] = entry;
                }
            });

            // 3. One atomic write batch: the log records and the dead letters.
            using var wb = new WriteBatch();
            Span<byte> key = stackalloc byte[8];
            for (var i = 0; i < n; i++)
            {
                Keys.Seq(accepted[i].Seq, key);
                wb.Put(key, buffers[partition[i]].WrittenSpan.Slice(offsets[i], lengths[i]), _events);
            }

            AddDeadLetters(wb, deadRaw);
            ThrowIfFailed();

            // 4. The log write (fsync) runs while the events are applied, by user on every core; the batch
            // is acknowledged only when both are done. Should the write fail, the in-memory profiles are
            // ahead of the log: the store refuses further work and recovers from the log on the next open.
            var write = wb.Count() == 0 ? Task.CompletedTask : Task.Run(() => _db.Write(wb, _syncWrite));
            ApplyBatch(accepted, entries, partition, partitions);

            try
            {
                write.GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                _failure = ex;
                throw new InvalidOperationException("the event log write failed; reopen the store to recover", ex);
            }

            // The dedupe index learns the batch, by shard on every core.
            ForEachPartition(partitions, p =>
            {
                for (var i = 0; i < n; i++)
                {
                    if (DedupeIndex.ShardOf(acceptedFingerprints[i]) % partitions == p)
                    {
                        _eventIds.Add(acceptedFingerprints[i], accepted[i].Seq);
                    }
                }
            });

            Interlocked.Exchange(ref _seq, _seq + n);
            _sinceCheckpoint += n;
            MaybeCheckpoint();
            errors.Sort((a, b) => a.Index.CompareTo(b.Index));
            return new IngestResult(n, duplicates, errors.Count, errors);
        }
    }

    public IngestResult UpsertItems(ParsedBatch<CatalogItem> batch) =>
        Upsert(batch, _items, item => item.ItemId, accepted => Catalog.Upsert(accepted));

    public IngestResult UpsertUsers(ParsedBatch<UserRecord> batch) =>
        Upsert(batch, _users, user => user.UserId, _ => { });

    /// <summary>Writes records as JSON under their id, with the batch's dead letters, in one durable write.</summary>
    private IngestResult Upsert<T>(ParsedBatch<T> batch, ColumnFamilyHandle family, Func<T, string> id, Action<IEnumerable<T>> applied)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var wb = new WriteBatch();
            foreach (var (_, record) in batch.Accepted)
            {
                wb.Put(Keys.Utf8(id(record)), JsonSerializer.SerializeToUtf8Bytes(record, Json), family);
            }

            AddDeadLetters(wb, batch.Rejected.Select((r, i) => (r, batch.RejectedRaw[i])));
            _db.Write(wb, _syncWrite);
            applied(batch.Accepted.Select(a => a.Record));
            return new IngestResult(batch.Accepted.Count, 0, batch.Rejected.Count, batch.Rejected);
        }
    }

    public T? Read<T>(string userId, Func<ProfileState, T> read)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        return TryReadEncoded(userId, DecodeProfile, out var state) ? read(state) : null;
    }

    /// <summary>
    /// Runs <paramref name="read"/> over a user's encoded profile: the cached one, or else (never cached, or
    /// evicted meanwhile) the checkpointed one. False for an unknown user, and for a new user whose first
    /// batch is still being applied.
    /// </summary>
    private bool TryReadEncoded<T>(string userId, Func<ReadOnlySpan<byte>, T> read, out T value)
    {
        if (_cache.TryGetValue(userId, out var entry))
        {
            entry.LastAccess = Interlocked.Increment(ref _accessClock);
            if (entry.TryRead(read, out value, out var evicted))
            {
                return true;
            }

            if (!evicted)
            {
                return false; // a new user whose first batch is still being applied
            }
        }

        var bytes = Checkpointed(userId);
        value = bytes is null ? default! : read(bytes);
        return bytes is not null;
    }

    /// <summary>A user's profile as the last checkpoint wrote it; null for a user never checkpointed.</summary>
    private byte[]? Checkpointed(string userId) => _userIds.MayContain(userId) ? _db.Get(Keys.Utf8(userId), _profiles) : null;

    public UserRecord? FindUser(string userId)
    {
        var bytes = _db.Get(Keys.Utf8(userId), _users);
        return bytes is null ? null : JsonSerializer.Deserialize<UserRecord>(bytes, Json);
    }

    public IReadOnlyList<BehaviorEvent> History(string userId, int max = 10_000)
    {
        // Follow the user's chain backwards from the newest event, then return it oldest first.
        var seq = TryReadEncoded(userId, AppliedSeqOfEncoding, out var last) ? last : 0;
        var result = new List<BehaviorEvent>();
        while (seq > 0 && result.Count < max)
        {
            var bytes = _db.Get(Keys.Seq(seq), _events);
            if (bytes is null)
            {
                break; // compacted away by retention
            }

            var e = ReadLogRecord(bytes, out seq);
            result.Add(e);
        }

        result.Reverse();
        return result;
    }

    /// <summary>Dead-lettered records, newest first: the record as received and why it was rejected.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters(int max = 100)
    {
        var result = new List<DeadLetter>();
        using var it = _db.NewIterator(_deadLetter);
        for (it.SeekToLast(); it.Valid() && result.Count < max; it.Prev())
        {
            result.Add(JsonSerializer.Deserialize<DeadLetter>(it.GetValueSpan(), Json)!);
        }

        return result;
    }

    /// <summary>Writes the dirty profiles and the log position they reflect, atomically, then trims the cache to its budget.</summary>
    public void Checkpoint()
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CheckpointLocked();
        }
    }

    /// <summary>Checkpoints when the configured event count or interval has passed since the last one.</summary>
    public void CheckpointIfDue()
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_dirty.Count > 0)
            {
                MaybeCheckpoint();
            }
        }
    }

    /// <summary>Deletes raw events older than the retention horizon that a checkpoint already covers; returns how many.</summary>
    public long CompactRetention()
    {
        if (_options.Retention <= TimeSpan.Zero)
        {
            return 0;
        }

        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CheckpointLocked();
            var horizon = _clock.GetUtcNow() - _options.Retention;
            var horizonMs = horizon.ToUnixTimeMilliseconds();
            long deleted = 0;
            var removed = new List<(string Id, long Seq)>();
            using var wb = new WriteBatch();
            using (var it = _db.NewIterator(_events))
            {
                for (it.SeekToFirst(); it.Valid(); it.Next())
                {
                    var seq = Keys.ReadSeq(it.GetKeySpan());
                    var e = ReadLogRecord(it.GetValueSpan(), out _);
                    if (seq > _checkpointSeq || e.TimestampMs >= horizonMs)
                    {
                        break; // the log is in arrival order: stop at the first event still retained
                    }

                    wb.Delete(Keys.Seq(seq), _events);
                    removed.Add((e.EventId, seq));
                    deleted++;
                }
            }

            if (deleted > 0)
            {
                _db.Write(wb, _syncWrite);
                foreach (var (id, seq) in removed)
                {
                    _eventIds.Remove(id, seq);
                }

                _db.CompactRange((byte[]?)null, null, _events);
                Log.Compacted(_logger, deleted, horizon);
            }

            return deleted;
        }
    }

    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                CheckpointLocked();
            }
            finally
            {
                _disposed = true;
                _db.Dispose();
                foreach (var entry in _cache.Values)
                {
                    Interlocked.Add(ref _cachedBytes, -entry.Free());
                }

                _cache.Clear();
            }
        }
    }

    private void Recover()
    {
        var watch = Stopwatch.StartNew();
        var items = new List<CatalogItem>();
        using (var it = _db.NewIterator(_items))
        {
            for (it.SeekToFirst(); it.Valid(); it.Next())
            {
                items.Add(JsonSerializer.Deserialize<CatalogItem>(it.GetValueSpan(), Json)!);
            }
        }

        Catalog.Upsert(items);
        FillFilter(_profiles, _userIds);
        var cp = _db.Get(CheckpointKey, _meta);
        _checkpointSeq = cp is null ? 0 : Keys.ReadSeq(cp);
        using (var it = _db.NewIterator(_deadLetter))
        {
            it.SeekToLast();
            _deadLetterSeq = it.Valid() ? Keys.ReadSeq(it.GetKeySpan()) : 0;
        }

        // One pass over the retained log: rebuild the dedupe index, replay what the checkpoint misses.
        long replayed = 0;
        var pending = new List<(long Seq, BehaviorEvent Event)>(ReplayBatch);
        _seq = _checkpointSeq;
        using (var it = _db.NewIterator(_events))
        {
            for (it.SeekToFirst(); it.Valid(); it.Next())
            {
                var seq = Keys.ReadSeq(it.GetKeySpan());
                var e = ReadLogRecord(it.GetValueSpan(), out _);
                _eventIds.Add(e.EventId, seq);
                _seq = Math.Max(_seq, seq);
                if (seq > _checkpointSeq)
                {
                    pending.Add((seq, e));
                    replayed++;
                    if (pending.Count == ReplayBatch)
                    {
                        Replay(pending);
                    }
                }
            }
        }

        Replay(pending);

        if (replayed > 0)
        {
            CheckpointLocked();
            Log.Recovered(_logger, replayed, _checkpointSeq, watch.ElapsedMilliseconds);
        }

        _lastCheckpointTicks = _clock.GetTimestamp();
        Log.Opened(_logger, _options.DataDirectory, _seq, _checkpointSeq, Catalog.Count);
    }

    private static BehaviorEvent ReadLogRecord(ReadOnlySpan<byte> record, out long previousSeq)
    {
        var r = new BinaryReaderSpan(record);
        previousSeq = r.ReadVarInt();
        var headerLength = VarIntLength(record);
        return EventCodec.Deserialize(record[headerLength..]);
    }

    private static int VarIntLength(ReadOnlySpan<byte> data)
    {
        var i = 0;
        while (data[i] >= 0x80)
        {
            i++;
        }

        return i + 1;
    }

    private string? EventIdAt(long seq)
    {
        var bytes = _db.Get(Keys.Seq(seq), _events);
        return bytes is null ? null : ReadLogRecord(bytes, out _).EventId;
    }

    private void FillFilter(ColumnFamilyHandle cf, KeyFilter filter)
    {
        using var it = _db.NewIterator(cf);
        for (it.SeekToFirst(); it.Valid(); it.Next())
        {
            filter.Add(System.Text.Encoding.UTF8.GetString(it.GetKeySpan()));
        }
    }

    /// <summary>Applies replayed log records (recovery) in batches, as ingestion does; clears <paramref name="pending"/>.</summary>
    private void Replay(List<(long Seq, BehaviorEvent Event)> pending)
    {
        var n = pending.Count;
        if (n == 0)
        {
            return;
        }

        var entries = new CachedProfile[n];
        var partition = new int[n];
        for (var i = 0; i < n; i++)
        {
            var (seq, e) = pending[i];
            entries[i] = GetOrLoad(e.UserId);
            entries[i].LastLoggedSeq = Math.Max(entries[i].LastLoggedSeq, seq);
        }

        ApplyBatch(pending, entries, partition, 1);
        pending.Clear();
    }

    /// <summary>
    /// Applies a batch: users are independent, so with several cores the events are split by user into
    /// partitions applied in parallel, each in log order. Each touched profile is decoded once, gets all of
    /// its events, and is published encoded again at the end of its partition.
    /// </summary>
    private void ApplyBatch(List<(long Seq, BehaviorEvent Event)> batch, CachedProfile[] entries, int[] partition, int partitions)
    {
        while (_encodeBuffers.Count < partitions)
        {
            _encodeBuffers.Add(new BinaryWriterBuffer(4 * 1024));
            _scratchStates.Add(new ProfileState(string.Empty));
        }

        var stamp = ++_batchNumber << 32;
        var nextOfUser = new int[batch.Count];
        ForEachPartition(partitions, p =>
        {
            // The partition's events grouped by user, in batch order: each user's first and last event, and a
            // chain from each event to the user's next one. Users are independent, so each is then decoded
            // once, given all its events, and encoded right away: one decoded profile is alive at a time, so
            // a collection during the batch finds almost nothing to promote.
            var users = new List<(CachedProfile Entry, int First, int Last)>();
            for (var i = 0; i < batch.Count; i++)
            {
                if (partition[i] != p)
                {
                    continue;
                }

                var entry = entries[i];
                nextOfUser[i] = -1;
                if ((entry.BatchMark & ~0xFFFF_FFFFL) == stamp)
                {
                    var u = (int)(entry.BatchMark & 0xFFFF_FFFFL);
                    nextOfUser[users[u].Last] = i;
                    users[u] = users[u] with { Last = i };
                }
                else
                {
                    entry.BatchMark = stamp | (uint)users.Count;
                    users.Add((entry, i, i));
                }
            }

            // The encodings go back to back into the partition's buffer and are published only once every
            // user is done: should applying fail, nothing is published and the profiles stay as before the batch.
            // Each profile is decoded into the partition's one scratch state (its arrays reused), so that a batch
            // allocates no profile objects (no throughput change measured: docs/BENCHMARKS.md, fifth session).
            var buffer = _encodeBuffers[p];
            buffer.Clear();
            var scratch = _scratchStates[p];
            Func<ReadOnlySpan<byte>, ProfileState> decodeIntoScratch = bytes => ProfileCodec.Deserialize(bytes, scratch);
            var ends = new int[users.Count];
            for (var u = 0; u < users.Count; u++)
            {
                var (entry, first, _) = users[u];
                ProfileState state;
                if (!entry.TryRead(decodeIntoScratch, out state, out _))
                {
                    state = scratch;
                    state.Reset(entry.UserId);
                }

                for (var i = first; i >= 0; i = nextOfUser[i])
                {
                    ApplyTo(state, batch[i].Seq, batch[i].Event);
                }

                ProfileCodec.Write(state, buffer);
                ends[u] = buffer.Length;
            }

            var written = buffer.WrittenSpan;
            for (var u = 0; u < users.Count; u++)
            {
                var start = u == 0 ? 0 : ends[u - 1];
                Interlocked.Add(ref _cachedBytes, users[u].Entry.Publish(written[start..ends[u]]));
            }
        });

        var newest = _newestEventMs;
        for (var i = 0; i < batch.Count; i++)
        {
            MarkDirty(entries[i]);
            newest = Math.Max(newest, batch[i].Event.TimestampMs);
        }

        Interlocked.Exchange(ref _newestEventMs, newest);
    }

    /// <summary>The index range [lo, hi) of slice <paramref name="p"/> of <paramref name="count"/> items cut in <paramref name="parts"/>.</summary>
    private static (int Lo, int Hi) Slice(int count, int parts, int p) => ((int)((long)count * p / parts), (int)((long)count * (p + 1) / parts));

    private static void ForEachPartition(int partitions, Action<int> body)
    {
        if (partitions == 1)
        {
            body(0);
        }
        else
        {
            Parallel.For(0, partitions, body);
        }
    }

    /// <summary>Applies a logged event to a profile unless the profile already reflects that log position.</summary>
    private void ApplyTo(ProfileState state, long seq, BehaviorEvent e)
    {
        if (seq <= state.AppliedSeq)
        {
            return;
        }

        if (e.Type == (byte)EventType.Preference)
        {
            foreach (var (kind, name) in ProfileEngine.PreferenceFeatures(e))
            {
                Catalog.Register(kind, name);
            }
        }

        Engine.Apply(state, e, Catalog);
        state.AppliedSeq = seq;
    }

    private void MarkDirty(CachedProfile entry)
    {
        if (!entry.Dirty)
        {
            entry.Dirty = true;
            _dirty.Add(entry);
        }
    }

    private CachedProfile GetOrLoad(string userId) => GetOrLoad(userId, Interlocked.Increment(ref _accessClock));

    /// <summary>The cached entry of a user, loaded from its checkpoint (or new); <paramref name="tick"/> is its access time.</summary>
    private CachedProfile GetOrLoad(string userId, long tick)
    {
        if (_cache.TryGetValue(userId, out var entry))
        {
            entry.LastAccess = tick;
            return entry;
        }

        var bytes = Checkpointed(userId);
        entry = new CachedProfile(userId) { LastAccess = tick };
        if (bytes is null)
        {
            _userIds.Add(userId);
        }
        else
        {
            Interlocked.Add(ref _cachedBytes, entry.Publish(bytes));
            entry.LastLoggedSeq = ProfileCodec.ReadAppliedSeq(bytes);
        }

        _cache[userId] = entry;
        return entry;
    }

    private void MaybeCheckpoint()
    {
        if (_sinceCheckpoint >= _options.CheckpointEveryEvents
            || _clock.GetElapsedTime(_lastCheckpointTicks) >= _options.CheckpointInterval
            || _cache.Count > _options.MaxCachedProfiles + Math.Max(1_000, _options.MaxCachedProfiles / 8))
        {
            CheckpointLocked(wait: false);
        }
    }

    /// <summary>
    /// Starts a checkpoint (under the write lock): the dirty profiles and the log position they reflect are
    /// written in the background while ingestion goes on, or before returning when <paramref name="wait"/>.
    /// It is a fuzzy checkpoint, and still exact on recovery: a profile written after further events carries
    /// the log position it reflects (<c>AppliedSeq</c>), so replay from the checkpoint position skips them for
    /// it. A profile changed after the start is dirty again and goes into the next checkpoint; profiles are
    /// evicted only once a completed checkpoint holds them.
    /// </summary>
    private void CheckpointLocked(bool wait = true)
    {
        AwaitCheckpointWrite();
        var evicted = Evict();
        var dirty = _dirty;
        _dirty = new List<CachedProfile>(Math.Max(16, dirty.Count / 2));
        foreach (var entry in dirty)
        {
            entry.Dirty = false;
        }

        var seq = _seq;
        _sinceCheckpoint = 0;
        _lastCheckpointTicks = _clock.GetTimestamp();
        _checkpointWrite = wait ? Task.CompletedTask : Task.Run(() => WriteCheckpoint(dirty, seq, evicted));
        if (wait)
        {
            WriteCheckpoint(dirty, seq, evicted);
            Evict();
        }
    }

    /// <summary>Waits for the background checkpoint; a failed one stops the store (reopen to recover).</summary>
    private void AwaitCheckpointWrite()
    {
        try
        {
            _checkpointWrite.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            _failure ??= ex;
            throw new InvalidOperationException("a checkpoint write failed; reopen the store to recover", ex);
        }
    }

    private void WriteCheckpoint(List<CachedProfile> dirty, long seq, int evicted)
    {
        // The profiles are already encoded: each is copied under its entry's lock. Small checkpoints go through
        // one write batch with the checkpoint position; large ones are written as sorted table files that the
        // store ingests atomically (no write-ahead log, no memtable), and the position follows. Should a crash
        // fall between the two, recovery replays from the older position and each profile skips the events it
        // already reflects (its AppliedSeq), as for any fuzzy checkpoint.
        var written = dirty.Count;
        var keys = SortedKeys.Of(dirty);
        using var wb = new WriteBatch();
        if (written >= _options.CheckpointFileMinProfiles)
        {
            WriteProfileFiles(dirty, seq, keys);
        }
        else
        {
            foreach (var j in keys.Order)
            {
                dirty[j].PutTo(wb, keys.Key(j), _profiles);
            }
        }

        wb.Put(CheckpointKey, Keys.Seq(seq), _meta);
        _db.Write(wb, _plainWrite);
        Interlocked.Exchange(ref _checkpointSeq, seq);
        Log.Checkpointed(_logger, seq, written, evicted);
    }

    /// <summary>
    /// Writes the profiles in key order as table files, one per core over consecutive key ranges (written in
    /// parallel), and ingests them into the profiles family in one atomic step.
    /// </summary>
    private void WriteProfileFiles(List<CachedProfile> dirty, long seq, SortedKeys keys)
    {
        Directory.CreateDirectory(_ingestDirectory);
        var order = keys.Order;
        var parts = Math.Clamp(order.Length / _options.CheckpointFileMinProfiles, 1, Math.Min(Environment.ProcessorCount, 8));
        var paths = new string?[parts];
        var finished = new bool[parts];
        try
        {
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
            {
                var path = Path.Combine(_ingestDirectory, $"profiles-{seq}-{p}.sst");
                using var writer = new SstFileWriter(new EnvOptions(), _profileOptions);
                writer.Open(path);
                paths[p] = path; // deleted below whatever happens
                var any = false;
                var (lo, hi) = Slice(order.Length, parts, p);
                for (var i = lo; i < hi; i++)
                {
                    var j = order[i];
                    any |= dirty[j].PutTo(writer, keys.Key(j));
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
                _db.IngestExternalFiles(files, new IngestExternalFileOptions().SetMoveFiles(true), _profiles);
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

    /// <summary>Approximate LRU: the access time below which to evict is estimated from a sample of the cache.</summary>
    private int Evict()
    {
        var excess = _cache.Count - _options.MaxCachedProfiles;
        if (excess <= 0)
        {
            return 0;
        }

        var sample = _cache.Values.Take(4096).Select(e => e.LastAccess).Order().ToArray();
        var share = Math.Min(1.0, excess / (double)_cache.Count);
        var cutoff = sample[Math.Min(sample.Length - 1, (int)(share * sample.Length))];
        var evicted = 0;
        foreach (var (key, entry) in _cache)
        {
            if (evicted >= excess)
            {
                break;
            }

            if (!entry.Dirty && entry.LastAccess <= cutoff && _cache.TryRemove(key, out _))
            {
                Interlocked.Add(ref _cachedBytes, -entry.Free()); // readers holding the entry fall back to the checkpoint, which has it
                evicted++;
            }
        }

        return evicted;
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new InvalidOperationException("the event log write failed earlier; reopen the store to recover", _failure);
        }
    }

    private void AddDeadLetters(WriteBatch wb, IEnumerable<(RecordError Error, string Raw)> rejected)
    {
        var now = _clock.GetUtcNow();
        foreach (var (error, raw) in rejected)
        {
            var letter = new DeadLetter(now, error.Index, error.Id, error.Errors, raw.Length <= 65_536 ? raw : raw[..65_536]);
            wb.Put(Keys.Seq(Interlocked.Increment(ref _deadLetterSeq)), JsonSerializer.SerializeToUtf8Bytes(letter, Json), _deadLetter);
        }
    }

    private static string Encoding(BehaviorEvent e) => JsonSerializer.Serialize(e, Json);
}
