using System.Text.Json;
using Microsoft.Extensions.Logging;
using Persona.Core.Catalog;
using Persona.Storage.Backend;
using Persona.Storage.Cache;
using Persona.Storage.Dedupe;
using Persona.Storage.Faults;
using Persona.Storage.Log;

namespace Persona.Storage.Checkpoints;

/// <summary>
/// Writes checkpoints: the profiles changed since the last one, then, in one atomic commit, the catalog items
/// changed since the last one (as of the checkpoint's position), the log marks and the checkpoint record. They
/// are fuzzy and still exact on recovery: the changed set is swapped out under the store's write lock and copied
/// in the background while ingestion goes on; a profile copied after it absorbed later events carries their
/// position (<c>AppliedSeq</c>), so replay from the checkpoint's position skips them for it. Profiles are
/// published only once their events are durable, so no copied profile is ever ahead of the log. Only one
/// checkpoint is in flight; profiles leave the cache only once a completed checkpoint holds them.
/// </summary>
internal sealed class Checkpointer
{
    private readonly IStoreBackend _backend;
    private readonly ProfileCache _cache;
    private readonly CatalogIndex _catalog;
    private readonly EventLog _log;
    private readonly Deduplicator _dedupe;
    private readonly DurableStoreOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Action<Exception> _failed;
    private List<CachedProfile> _dirty = [];
    private HashSet<string> _dirtyItems = new(StringComparer.Ordinal);
    private Task _write = Task.CompletedTask;
    private long _sinceLast;
    private long _lastTicks;
    private long _usersStored = -1;
    private CheckpointRecord _completed = CheckpointRecord.Empty;

    public Checkpointer(IStoreBackend backend, ProfileCache cache, CatalogIndex catalog, EventLog log, Deduplicator dedupe, DurableStoreOptions options, TimeProvider clock, ILogger logger, Action<Exception> failed)
    {
        _backend = backend;
        _cache = cache;
        _catalog = catalog;
        _log = log;
        _dedupe = dedupe;
        _options = options;
        _clock = clock;
        _logger = logger;
        _failed = failed;
        _lastTicks = clock.GetTimestamp();
    }

    /// <summary>The last completed checkpoint.</summary>
    public CheckpointRecord Completed => Volatile.Read(ref _completed);

    public int DirtyProfiles => _dirty.Count;

    /// <summary>Whether the configured count or interval has passed, or the cache is well over its budget.</summary>
    public bool Due =>
        _sinceLast >= _options.CheckpointEveryEvents
        || (_clock.GetElapsedTime(_lastTicks) >= _options.CheckpointInterval && (_dirty.Count > 0 || _dirtyItems.Count > 0))
        || _cache.Excess > _cache.BudgetBytes / 8;

    /// <summary>Sets the checkpoint found on open.</summary>
    public void Restore(CheckpointRecord record) => Volatile.Write(ref _completed, record);

    /// <summary>A published profile that the next checkpoint must write.</summary>
    public void MarkDirty(CachedProfile entry)
    {
        if (!entry.Dirty)
        {
            entry.Dirty = true;
            _dirty.Add(entry);
        }
    }

    /// <summary>An erased user's entry: the next checkpoint must not write it.</summary>
    public void Forget(CachedProfile entry)
    {
        if (entry.Dirty)
        {
            entry.Dirty = false;
            _dirty.Remove(entry);
        }
    }

    /// <summary>Catalog items changed (applied to the catalog) that the next checkpoint must write.</summary>
    public void ItemsChanged(IEnumerable<string> itemIds) => _dirtyItems.UnionWith(itemIds);

    /// <summary>Counts log records towards <see cref="DurableStoreOptions.CheckpointEveryEvents"/>.</summary>
    public void Counted(long records) => _sinceLast += records;

    /// <summary>
    /// Starts a checkpoint (under the store's write lock): the changed profiles and items are written in the
    /// background while ingestion goes on, or before returning when <paramref name="wait"/>. Returns false when
    /// the previous checkpoint failed (the store has failed with it) and nothing was started.
    /// </summary>
    public bool Start(bool wait, IFaultInjector? faults)
    {
        if (!AwaitWrite())
        {
            return false;
        }

        var evicted = _cache.Evict();
        var dirty = _dirty;
        _dirty = new List<CachedProfile>(Math.Max(16, dirty.Count / 2));
        foreach (var entry in dirty)
        {
            entry.Dirty = false;
        }

        // The items and marks as of the checkpoint's position: copied now, while the write lock holds them still.
        var write = new StoreWrite();
        foreach (var id in _dirtyItems)
        {
            if (_catalog.Record(id) is { } item)
            {
                write.Items.Add(new KeyedValue(id, JsonSerializer.SerializeToUtf8Bytes(item, StoreJson.Options)));
            }
        }

        _dirtyItems = new HashSet<string>(StringComparer.Ordinal);
        _dedupe.Marks.WriteChanges(write.Meta);
        var record = new CheckpointRecord(_log.Position, 0, _dedupe.WatermarkMs);
        _sinceLast = 0;
        _lastTicks = _clock.GetTimestamp();
        if (wait)
        {
            WriteOrFail(dirty, write, record, evicted, faults);
            _cache.Evict();
            return true;
        }

        _write = Task.Run(() => WriteOrFail(dirty, write, record, evicted, faults));
        return true;
    }

    /// <summary>Waits for the checkpoint in flight; false when it failed.</summary>
    public bool AwaitWrite()
    {
        try
        {
            _write.GetAwaiter().GetResult();
            return true;
        }
        catch (Exception)
        {
            return false; // reported to the store when it happened
        }
    }

    /// <summary>Writes the checkpoint; a failure stops the store (reported through the callback) and is rethrown.</summary>
    private void WriteOrFail(List<CachedProfile> dirty, StoreWrite write, CheckpointRecord record, int evicted, IFaultInjector? faults)
    {
        try
        {
            Write(dirty, write, record, evicted, faults);
        }
        catch (Exception ex)
        {
            _failed(ex);
            throw;
        }
    }

    private void Write(List<CachedProfile> dirty, StoreWrite write, CheckpointRecord record, int evicted, IFaultInjector? faults)
    {
        faults?.Hit(FaultPoint.CheckpointCopy);
        if (dirty.Count > 0)
        {
            _backend.Profiles.Write(dirty); // each reflects only events whose log write was durable before it was published
        }

        faults?.Hit(FaultPoint.CheckpointProfilesWritten);
        var users = _cache.Users;
        if (users.Count != _usersStored)
        {
            var count = users.Count;
            write.Meta.Add(new KeyedValue(UserFilterKey, users.ToBytes()));
            _usersStored = count;
        }

        // Read now: at least the position of any profile copied above.
        record = record with { HighSeq = _log.Position };
        write.Meta.Add(new KeyedValue(CheckpointRecord.Key, record.ToBytes()));
        _backend.Commit(write, durable: true);
        Volatile.Write(ref _completed, record);
        faults?.Hit(FaultPoint.CheckpointWritten);
        StoreLog.Checkpointed(_logger, record.Position, dirty.Count, write.Items.Count, evicted);
    }

    /// <summary>The metadata key of the stored user filter.</summary>
    public const string UserFilterKey = "users/filter";
}
