using System.Collections.Concurrent;
using System.Diagnostics;
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
/// (with their dedupe keys and per-user index, in one atomic write batch, fsynced before the batch is
/// acknowledged) and then applied to cached profiles. Checkpoints write the dirty profiles together with
/// the log position they reflect, atomically; each profile also records the last log position applied to
/// it, so recovery replays the log after the checkpoint and applies every event exactly once.
/// </summary>
public sealed class EmbeddedProfileStore : IProfileStore
{
    private static readonly byte[] CheckpointKey = "checkpoint"u8.ToArray();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly EmbeddedStoreOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly RocksDbSharp.RocksDb _db;
    private readonly ColumnFamilyHandle _events;
    private readonly ColumnFamilyHandle _dedupe;
    private readonly ColumnFamilyHandle _byUser;
    private readonly ColumnFamilyHandle _profiles;
    private readonly ColumnFamilyHandle _items;
    private readonly ColumnFamilyHandle _users;
    private readonly ColumnFamilyHandle _deadLetter;
    private readonly ColumnFamilyHandle _meta;
    private readonly WriteOptions _syncWrite;
    private readonly WriteOptions _plainWrite;
    private readonly Lock _writeLock = new();
    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.Ordinal);
    private readonly List<CacheEntry> _dirty = [];
    private readonly BinaryWriterBuffer _buffer = new(4096);
    private long _seq;
    private long _checkpointSeq;
    private long _deadLetterSeq;
    private long _accessClock;
    private long _sinceCheckpoint;
    private long _lastCheckpointTicks;
    private long _newestEventMs;
    private bool _disposed;

    private EmbeddedProfileStore(EmbeddedStoreOptions options, ProfileEngine engine, TimeProvider clock, ILogger logger)
    {
        _options = options;
        Engine = engine;
        _clock = clock;
        _logger = logger;
        Directory.CreateDirectory(options.DataDirectory);
        var table = new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10, false)).SetWholeKeyFiltering(true);
        ColumnFamilyOptions Cf(ulong writeBuffer) => new ColumnFamilyOptions()
            .SetBlockBasedTableFactory(table)
            .SetWriteBufferSize(writeBuffer)
            .SetCompression(Compression.Lz4);
        var families = new ColumnFamilies
        {
            { "events", Cf(64 << 20) },
            { "dedupe", Cf(32 << 20) },
            { "byuser", Cf(32 << 20) },
            { "profiles", Cf(64 << 20) },
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
        _events = _db.GetColumnFamily("events");
        _dedupe = _db.GetColumnFamily("dedupe");
        _byUser = _db.GetColumnFamily("byuser");
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

    public StoreStats Stats => new(Interlocked.Read(ref _seq), Interlocked.Read(ref _checkpointSeq), _cache.Count, Interlocked.Read(ref _deadLetterSeq), Interlocked.Read(ref _newestEventMs));

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
            var inBatch = new HashSet<string>(StringComparer.Ordinal);
            var toApply = new List<(long Seq, BehaviorEvent Event)>(batch.Accepted.Count);
            var duplicates = 0;
            using var wb = new WriteBatch();
            foreach (var (index, e) in batch.Accepted)
            {
                if (e.TimestampMs < horizon)
                {
                    var error = new RecordError(index, e.EventId, [$"timestamp: {DateTimeOffset.FromUnixTimeMilliseconds(e.TimestampMs):O} is older than the retention horizon ({_options.Retention.TotalDays:0.#} days)"]);
                    errors.Add(error);
                    deadRaw.Add((error, Encoding(e)));
                    continue;
                }

                var idKey = Keys.Utf8(e.EventId);
                if (!inBatch.Add(e.EventId) || _db.HasKey(idKey, _dedupe))
                {
                    duplicates++;
                    continue;
                }

                var seq = _seq + toApply.Count + 1;
                var seqKey = Keys.Seq(seq);
                _buffer.Clear();
                EventCodec.Write(e, _buffer);
                wb.Put(seqKey, _buffer.WrittenSpan, _events);
                wb.Put(idKey, seqKey, _dedupe);
                wb.Put(Keys.UserEvent(e.UserId, seq), ReadOnlySpan<byte>.Empty, _byUser);
                toApply.Add((seq, e));
            }

            AddDeadLetters(wb, deadRaw);
            if (wb.Count() > 0)
            {
                _db.Write(wb, _syncWrite);
            }

            foreach (var (seq, e) in toApply)
            {
                ApplyLogged(seq, e);
            }

            Interlocked.Exchange(ref _seq, _seq + toApply.Count);
            _sinceCheckpoint += toApply.Count;
            MaybeCheckpoint();
            errors.Sort((a, b) => a.Index.CompareTo(b.Index));
            return new IngestResult(toApply.Count, duplicates, errors.Count, errors);
        }
    }

    public IngestResult UpsertItems(ParsedBatch<CatalogItem> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var wb = new WriteBatch();
            foreach (var (_, item) in batch.Accepted)
            {
                wb.Put(Keys.Utf8(item.ItemId), JsonSerializer.SerializeToUtf8Bytes(item, Json), _items);
            }

            AddDeadLetters(wb, batch.Rejected.Select((r, i) => (r, batch.RejectedRaw[i])));
            _db.Write(wb, _syncWrite);
            Catalog.Upsert(batch.Accepted.Select(a => a.Record));
            return new IngestResult(batch.Accepted.Count, 0, batch.Rejected.Count, batch.Rejected);
        }
    }

    public IngestResult UpsertUsers(ParsedBatch<UserRecord> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var wb = new WriteBatch();
            foreach (var (_, user) in batch.Accepted)
            {
                wb.Put(Keys.Utf8(user.UserId), JsonSerializer.SerializeToUtf8Bytes(user, Json), _users);
            }

            AddDeadLetters(wb, batch.Rejected.Select((r, i) => (r, batch.RejectedRaw[i])));
            _db.Write(wb, _syncWrite);
            return new IngestResult(batch.Accepted.Count, 0, batch.Rejected.Count, batch.Rejected);
        }
    }

    public T? Read<T>(string userId, Func<ProfileState, T> read)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        if (_cache.TryGetValue(userId, out var entry))
        {
            entry.LastAccess = Interlocked.Increment(ref _accessClock);
            lock (entry.State)
            {
                return read(entry.State);
            }
        }

        var bytes = _db.Get(Keys.Utf8(userId), _profiles);
        return bytes is null ? null : read(ProfileCodec.Deserialize(bytes));
    }

    public UserRecord? FindUser(string userId)
    {
        var bytes = _db.Get(Keys.Utf8(userId), _users);
        return bytes is null ? null : JsonSerializer.Deserialize<UserRecord>(bytes, Json);
    }

    public IReadOnlyList<BehaviorEvent> History(string userId, int max = 10_000)
    {
        var prefix = Keys.UserPrefix(userId);
        var result = new List<BehaviorEvent>();
        using var it = _db.NewIterator(_byUser);
        for (it.Seek(prefix); it.Valid() && result.Count < max; it.Next())
        {
            var key = it.GetKeySpan();
            if (key.Length != prefix.Length + 8 || !key.StartsWith(prefix))
            {
                break;
            }

            var bytes = _db.Get(key[prefix.Length..].ToArray(), _events);
            if (bytes is not null)
            {
                result.Add(EventCodec.Deserialize(bytes));
            }
        }

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
            using var wb = new WriteBatch();
            using (var it = _db.NewIterator(_events))
            {
                for (it.SeekToFirst(); it.Valid(); it.Next())
                {
                    var seq = Keys.ReadSeq(it.GetKeySpan());
                    var e = EventCodec.Deserialize(it.GetValueSpan());
                    if (seq > _checkpointSeq || e.TimestampMs >= horizonMs)
                    {
                        break; // the log is in arrival order: stop at the first event still retained
                    }

                    wb.Delete(Keys.Seq(seq), _events);
                    wb.Delete(Keys.Utf8(e.EventId), _dedupe);
                    wb.Delete(Keys.UserEvent(e.UserId, seq), _byUser);
                    deleted++;
                }
            }

            if (deleted > 0)
            {
                _db.Write(wb, _syncWrite);
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
        var cp = _db.Get(CheckpointKey, _meta);
        _checkpointSeq = cp is null ? 0 : Keys.ReadSeq(cp);
        using (var it = _db.NewIterator(_deadLetter))
        {
            it.SeekToLast();
            _deadLetterSeq = it.Valid() ? Keys.ReadSeq(it.GetKeySpan()) : 0;
        }

        long replayed = 0;
        _seq = _checkpointSeq;
        using (var it = _db.NewIterator(_events))
        {
            for (it.Seek(Keys.Seq(_checkpointSeq + 1)); it.Valid(); it.Next())
            {
                var seq = Keys.ReadSeq(it.GetKeySpan());
                ApplyLogged(seq, EventCodec.Deserialize(it.GetValueSpan()));
                _seq = seq;
                replayed++;
            }

            if (replayed == 0)
            {
                it.SeekToLast();
                _seq = Math.Max(_checkpointSeq, it.Valid() ? Keys.ReadSeq(it.GetKeySpan()) : 0);
            }
        }

        if (replayed > 0)
        {
            CheckpointLocked();
            Log.Recovered(_logger, replayed, _checkpointSeq, watch.ElapsedMilliseconds);
        }

        _lastCheckpointTicks = _clock.GetTimestamp();
        Log.Opened(_logger, _options.DataDirectory, _seq, _checkpointSeq, Catalog.Count);
    }

    /// <summary>Applies a logged event to its profile unless the profile already reflects that log position.</summary>
    private void ApplyLogged(long seq, BehaviorEvent e)
    {
        var entry = GetOrLoad(e.UserId);
        lock (entry.State)
        {
            if (seq <= entry.State.AppliedSeq)
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

            Engine.Apply(entry.State, e, Catalog);
            entry.State.AppliedSeq = seq;
        }

        if (!entry.Dirty)
        {
            entry.Dirty = true;
            _dirty.Add(entry);
        }

        if (e.TimestampMs > _newestEventMs)
        {
            Interlocked.Exchange(ref _newestEventMs, e.TimestampMs);
        }
    }

    private CacheEntry GetOrLoad(string userId)
    {
        if (_cache.TryGetValue(userId, out var entry))
        {
            entry.LastAccess = ++_accessClock;
            return entry;
        }

        var bytes = _db.Get(Keys.Utf8(userId), _profiles);
        var state = bytes is null ? new ProfileState(userId) : ProfileCodec.Deserialize(bytes);
        entry = new CacheEntry(state) { LastAccess = ++_accessClock };
        _cache[userId] = entry;
        return entry;
    }

    private void MaybeCheckpoint()
    {
        if (_sinceCheckpoint >= _options.CheckpointEveryEvents
            || _clock.GetElapsedTime(_lastCheckpointTicks) >= _options.CheckpointInterval
            || _cache.Count > _options.MaxCachedProfiles + _options.CheckpointEveryEvents)
        {
            CheckpointLocked();
        }
    }

    private void CheckpointLocked()
    {
        using var wb = new WriteBatch();
        var written = _dirty.Count;
        foreach (var entry in _dirty)
        {
            lock (entry.State)
            {
                _buffer.Clear();
                ProfileCodec.Write(entry.State, _buffer);
                wb.Put(Keys.Utf8(entry.State.UserId), _buffer.WrittenSpan, _profiles);
            }

            entry.Dirty = false;
        }

        _dirty.Clear();
        wb.Put(CheckpointKey, Keys.Seq(_seq), _meta);
        _db.Write(wb, _plainWrite);
        Interlocked.Exchange(ref _checkpointSeq, _seq);
        _sinceCheckpoint = 0;
        _lastCheckpointTicks = _clock.GetTimestamp();
        var evicted = Evict();
        Log.Checkpointed(_logger, _seq, written, evicted);
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
                evicted++;
            }
        }

        return evicted;
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

    private sealed class CacheEntry(ProfileState state)
    {
        public ProfileState State { get; } = state;

        public long LastAccess { get; set; }

        public bool Dirty { get; set; }
    }
}
