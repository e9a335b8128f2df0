using System.Diagnostics;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Sources;
using StackExchange.Redis;

namespace Persona.Sources.Redis;

/// <summary>
/// Consumes a Redis Stream through a consumer group into an <see cref="IProfileStore"/>. Each read becomes one
/// <see cref="IProfileStore.Ingest"/> call, and its entries are acknowledged (XACK) only after that returned, so
/// every acknowledged event is durable. Delivery is at least once (a consumer that dies between ingest and
/// acknowledgement leaves its entries pending, re-read when it restarts or claimed by another consumer after
/// <see cref="RedisStreamSourceOptions.ClaimIdleTime"/>); the store's deduplication by event id makes the effect
/// exactly once. Unreadable entries and invalid events are dead-lettered and acknowledged, so they never block
/// the stream; while the store is unavailable nothing is acknowledged and the batch is retried with backoff.
/// </summary>
public sealed class RedisStreamSource : BackgroundService, IEventSource
{
    private readonly RedisStreamSourceOptions _options;
    private readonly IProfileStore _store;
    private readonly EventParser _parser;
    private readonly IIngestListener[] _listeners;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private ConnectionMultiplexer? _connection;
    private TimeSpan _delay;
    private long _nextClaimMs;
    private long _nextLagMs;
    private volatile bool _connected;
    private long _lag = -1;
    private long _pending;
    private long _entries;
    private long _events;
    private long _deadLettered;
    private long _claimed;
    private long _retries;
    private volatile string? _lastError;

    public RedisStreamSource(RedisStreamSourceOptions options, IProfileStore store, EventParser parser, IEnumerable<IIngestListener> listeners, TimeProvider clock, ILogger<RedisStreamSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _store = store;
        _parser = parser;
        _listeners = [.. listeners];
        _clock = clock;
        _logger = logger;
        _delay = options.RetryDelay;
    }

    public EventSourceStatus Status => new(
        "redis-stream",
        _options.Stream,
        _options.Group,
        _options.Consumer,
        _connected,
        Interlocked.Read(ref _lag) is var lag and >= 0 ? lag : null,
        Interlocked.Read(ref _pending),
        Interlocked.Read(ref _entries),
        Interlocked.Read(ref _events),
        Interlocked.Read(ref _deadLettered),
        Interlocked.Read(ref _claimed),
        Interlocked.Read(ref _retries),
        _lastError);

    public override void Dispose()
    {
        _connection?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // the host's start does not wait for the first read
        SourceLog.Started(_logger, _options.Stream, _options.Group, _options.Consumer);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException ex)
            {
                _connected = false;
                _lastError = ex.Message;
                SourceLog.RedisFailed(_logger, _options.Stream, ex.Message, _delay.TotalMilliseconds);
                await BackOffAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Connects, re-reads this consumer's own pending entries, claims dead consumers' ones, then reads new entries until stopped.</summary>
    private async Task ConsumeAsync(CancellationToken ct)
    {
        _connection ??= await ConnectionMultiplexer.ConnectAsync(Configuration()).ConfigureAwait(false);
        var consumer = new StreamConsumer(_connection.GetDatabase(), _options);
        await consumer.EnsureGroupAsync().ConfigureAwait(false);
        _connected = true;
        await ReadOwnPendingAsync(consumer, ct).ConfigureAwait(false);
        while (!ct.IsCancellationRequested)
        {
            var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
            if (now >= _nextClaimMs)
            {
                await ClaimAsync(consumer, ct).ConfigureAwait(false);
                _nextClaimMs = now + Math.Max(10, (long)(_options.ClaimIdleTime.TotalMilliseconds / 2));
            }

            if (now >= _nextLagMs)
            {
                var (lag, pending) = await consumer.GroupInfoAsync().ConfigureAwait(false);
                Interlocked.Exchange(ref _lag, lag ?? -1);
                Interlocked.Exchange(ref _pending, pending);
                _nextLagMs = now + (long)_options.LagInterval.TotalMilliseconds;
            }

            var entries = await consumer.ReadNewAsync().WaitAsync(ct).ConfigureAwait(false);
            if (entries.Length > 0)
            {
                await ProcessAsync(consumer, entries, ct).ConfigureAwait(false);
            }

            _delay = _options.RetryDelay;
            _lastError = null;
        }
    }

    private async Task ReadOwnPendingAsync(StreamConsumer consumer, CancellationToken ct)
    {
        RedisValue after = "0-0";
        var total = 0;
        while (!ct.IsCancellationRequested)
        {
            var entries = await consumer.ReadOwnPendingAsync(after).ConfigureAwait(false);
            if (entries.Length == 0)
            {
                break;
            }

            total += entries.Length;
            await ProcessAsync(consumer, entries, ct).ConfigureAwait(false);
            after = entries[^1].Id;
        }

        if (total > 0)
        {
            SourceLog.OwnPending(_logger, _options.Stream, total);
        }
    }

    private async Task ClaimAsync(StreamConsumer consumer, CancellationToken ct)
    {
        RedisValue start = "0-0";
        var total = 0;
        do
        {
            var (entries, next) = await consumer.ClaimAsync(start).ConfigureAwait(false);
            if (entries.Length > 0)
            {
                total += entries.Length;
                Interlocked.Add(ref _claimed, entries.Length);
                await ProcessAsync(consumer, entries, ct).ConfigureAwait(false);
            }

            start = next;
        }
        while (!ct.IsCancellationRequested && start != "0-0" && !start.IsNull);

        if (total > 0)
        {
            SourceLog.Claimed(_logger, _options.Stream, total, _options.ClaimIdleTime.TotalSeconds);
        }
    }

    /// <summary>Ingests the entries as one batch (retrying while the store is unavailable), then acknowledges them.</summary>
    private async Task ProcessAsync(StreamConsumer consumer, StreamEntry[] entries, CancellationToken ct)
    {
        var batch = StreamBatch.Parse(entries, _options.Stream, _parser);
        if (batch.Total > 0)
        {
            var start = Stopwatch.GetTimestamp();
            var result = await IngestAsync(batch, ct).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(start);
            foreach (var listener in _listeners)
            {
                listener.Ingested(result, elapsed);
            }

            Interlocked.Add(ref _events, result.Accepted + result.Duplicate);
            Interlocked.Add(ref _deadLettered, result.Rejected);
            if (result.Rejected > 0)
            {
                SourceLog.DeadLettered(_logger, _options.Stream, result.Rejected, string.Join("; ", result.Errors[0].Errors));
            }
        }

        await consumer.AckAsync([.. entries.Select(e => e.Id)]).ConfigureAwait(false);
        Interlocked.Add(ref _entries, entries.Length);
    }

    private async Task<IngestResult> IngestAsync(ParsedBatch<Core.Events.BehaviorEvent> batch, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                var result = _store.Ingest(batch);
                _delay = _options.RetryDelay;
                return result;
            }
            catch (StoreUnavailableException ex)
            {
                _lastError = ex.Message;
                SourceLog.StoreUnavailable(_logger, _options.Stream, ex.Fault.Reason, _delay.TotalMilliseconds);
                await BackOffAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private async Task BackOffAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _retries);
        await Task.Delay(_delay, _clock, ct).ConfigureAwait(false);
        _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
    }

    private ConfigurationOptions Configuration()
    {
        _ = RedisAddress.TryParse(_options.Connection, out var config, out _); // validated in the constructor
        config.AbortOnConnectFail = false;
        config.Protocol = RedisProtocol.Resp2; // the raw XREADGROUP reply is read as RESP2 arrays
        config.AsyncTimeout = (int)(_options.BlockTime + TimeSpan.FromSeconds(5)).TotalMilliseconds;
        config.ClientName = $"persona-{_options.Consumer}";
        return config;
    }
}
