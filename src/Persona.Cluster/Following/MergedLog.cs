using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Persona.Cluster.Grains;
using Persona.Core.Catalog;
using Persona.Core.Pipeline;
using Persona.Serving.Following;
using Persona.Storage.Backend;
using Persona.Storage.Log;

namespace Persona.Cluster.Following;

/// <summary>
/// Every partition's log, merged on this silo into one sequence of positions 1, 2, ... that the serving stack's
/// followers (recommendation indexes, segment membership) read as they read a single store's log. It polls each
/// partition's log in Redis (read-only: no writer epoch) every <see cref="PollInterval"/>, or at once when
/// <see cref="Wake"/> is called, and appends what is new. Each user's events stay in their log order (a user
/// lives in one partition); events of different partitions interleave in the order this silo read them, so the
/// positions differ between silos while what the followers build from them does not. Catalog changes are read
/// from partition 0 (every partition logs each change) and applied to <see cref="Catalog"/>. The merged events
/// are kept in memory from the slowest of the host's log followers on (<see cref="LogFollower.Position"/>), and no more than
/// <see cref="Window"/> ahead of it: a follower never misses an event, and memory stays bounded.
/// </summary>
public sealed partial class MergedLog : BackgroundService
{
    /// <summary>How often the partitions' logs are polled when nothing wakes the reader sooner.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Log records read from one partition per pass at most.</summary>
    private const int PageSize = 4_096;

    private readonly IEventLogStore[] _logs;
    private readonly long[] _cursors;
    private readonly Lock _lock = new();
    private readonly List<LoggedEvent> _events = [];
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ILogger<MergedLog> _logger;
    private readonly IGrainFactory _grains;
    private readonly IHostApplicationLifetime _lifetime;
    private long _first = 1;
    private long _head;
    private long _catalogFrom;
    private readonly IServiceProvider _services;
    private LogFollower[]? _followers;

    public MergedLog(IPartitionStores stores, IGrainFactory grains, IHostApplicationLifetime lifetime, IServiceProvider services, ILogger<MergedLog> logger)
    {
        ArgumentNullException.ThrowIfNull(stores);
        _grains = grains;
        _lifetime = lifetime;
        _services = services;
        _logs = [.. Enumerable.Range(0, stores.Count).Select(stores.OpenLog)];
        _cursors = new long[_logs.Length];
        _logger = logger;
    }

    /// <summary>The catalog as partition 0's log and stored items give it; the silo's serving catalog.</summary>
    public CatalogIndex Catalog { get; } = new();

    /// <summary>Merged events kept ahead of the slowest reader at most.</summary>
    public int Window { get; init; } = 1 << 20;

    /// <summary>The newest merged position.</summary>
    public long Head => Interlocked.Read(ref _head);

    /// <summary>Each partition's log position read through: how far this silo has followed the cluster.</summary>
    public IReadOnlyList<long> Cursors
    {
        get
        {
            lock (_lock)
            {
                return [.. _cursors];
            }
        }
    }

    /// <summary>Starts the catalog from a snapshot of partition 0's items as of its log position <paramref name="position"/>: only later catalog records are applied over it.</summary>
    internal void SeedCatalog(IReadOnlyList<CatalogItem> items, long position)
    {
        Catalog.Upsert(items);
        Interlocked.Exchange(ref _catalogFrom, position);
    }

    /// <summary>Asks for a pass over the partitions' logs now (after this silo's own ingest, say).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A pass is already due.
        }
    }

    /// <summary>Up to <paramref name="max"/> merged events after <paramref name="afterSeq"/>, oldest first.</summary>
    public IReadOnlyList<LoggedEvent> Read(long afterSeq, int max)
    {
        lock (_lock)
        {
            var from = Math.Max(afterSeq + 1, _first);
            if (from > _head)
            {
                return [];
            }

            var offset = (int)(from - _first);
            var count = (int)Math.Min(max, _head - from + 1);
            return _events.GetRange(offset, count);
        }
    }

    /// <summary>One pass: reads what is new in every partition's log (within the window); returns the events appended.</summary>
    public int Poll()
    {
        Trim();
        var appended = 0;
        for (var p = 0; p < _logs.Length; p++)
        {
            if (Head - (SlowestReader() ?? Head) >= Window)
            {
                break;
            }

            appended += PollPartition(p);
        }

        return appended;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await Started(stoppingToken) || !await SeedCatalog(stoppingToken))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (Poll() > 0)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                PollFailed(_logger, ex.Message);
            }

            try
            {
                await _wake.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Waits for the host (the silo included) to have started; false when it stops first.</summary>
    private async Task<bool> Started(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = _lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Seeds <see cref="Catalog"/> from partition 0 before any log record is read (retrying until it answers); false when the host stops first.</summary>
    private async Task<bool> SeedCatalog(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                var snapshot = await _grains.GetGrain<IPartitionGrain>(0).Catalog();
                SeedCatalog(JsonSerializer.Deserialize<List<CatalogItem>>(snapshot.Items, WireCodec.Json) ?? [], snapshot.Position);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                PollFailed(_logger, ex.Message);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private int PollPartition(int p)
    {
        var events = new List<Core.Events.BehaviorEvent>();
        var from = _cursors[p];
        var last = from;
        var catalogFrom = Interlocked.Read(ref _catalogFrom);
        _logs[p].Scan(from + 1, (seq, record) =>
        {
            last = seq;
            if (LogRecordReader.ReadEvent(record) is { } e)
            {
                events.Add(e);
            }
            else if (p == 0 && seq > catalogFrom && LogRecordReader.ReadItems(record) is { } items)
            {
                Catalog.Upsert(items);
            }

            return last - from < PageSize;
        });
        lock (_lock)
        {
            foreach (var e in events)
            {
                _events.Add(new LoggedEvent(Interlocked.Increment(ref _head), e));
            }

            _cursors[p] = last;
        }

        return events.Count;
    }

    /// <summary>
    /// The position of the slowest of the host's log followers (recommendation indexes, segment membership); null
    /// when the host has none. Resolved at first use: the followers read this log through the store, which needs it.
    /// </summary>
    private long? SlowestReader()
    {
        var followers = _followers ??= [.. _services.GetServices<LogFollower>()];
        return followers.Length == 0 ? null : followers.Min(f => f.Position);
    }

    /// <summary>Drops the events every reader has read.</summary>
    private void Trim()
    {
        var slowest = SlowestReader() ?? Head;
        lock (_lock)
        {
            var drop = (int)Math.Min(_events.Count, slowest - _first + 1);
            if (drop >= 65_536 || (drop > 0 && drop == _events.Count))
            {
                _events.RemoveRange(0, drop);
                _first += drop;
            }
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Reading the partitions' logs failed ({Message}); retrying")]
    private static partial void PollFailed(ILogger logger, string message);
}
