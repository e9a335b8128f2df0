using Microsoft.Extensions.Logging.Abstractions;
using Persona.Core.Engine;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Sources;
using Persona.Storage;
using Persona.Storage.Faults;
using Persona.Storage.RocksDb;
using Persona.Storage.TestKit;
using StackExchange.Redis;

namespace Persona.Sources.Redis.Tests;

/// <summary>The source against a real redis-server and the embedded RocksDB store in a temporary directory.</summary>
[Collection(RedisServerGroup.Name)]
public sealed class RedisStreamSourceTests(RedisServerFixture redis) : IDisposable
{
    private static readonly ProfileEngine Engine = new(new EngineConfig());
    private readonly string _dir = Directory.CreateTempSubdirectory("persona-stream-").FullName;
    private readonly string _stream = "events-" + Guid.NewGuid().ToString("N");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Consume_SingleAndNdjsonEntries_EveryEventIngestedAndAcked()
    {
        using var store = OpenStore();
        await Add("event", Event("e1", "u1"));
        await Add("event", Event("e2", "u1", minute: 1));
        await Add("events", string.Join('\n', Event("e3", "u2"), Event("e4", "u2", minute: 2), Event("e5", "u1", minute: 3)));

        var status = await RunUntilDrained(store, "c1");

        Assert.Equal(["e1", "e2", "e5"], Ids(store, "u1"));
        Assert.Equal(["e3", "e4"], Ids(store, "u2"));
        Assert.Equal(0, (await redis.Db.StreamPendingAsync(_stream, "persona")).PendingMessageCount);
        Assert.Equal((3, 5, 0L, 0L), (status.Entries, status.Events, status.DeadLettered, status.Claimed));
        Assert.Equal(0, status.Lag);
    }

    [Fact]
    public async Task Consume_ReSentEntriesAndEvents_EachEventCountedOnce()
    {
        using var store = OpenStore();
        await Add("event", Event("e1", "u1"));
        await Add("event", Event("e1", "u1"));
        await Add("events", string.Join('\n', Event("e1", "u1"), Event("e2", "u1", minute: 1)));

        var status = await RunUntilDrained(store, "c1");

        Assert.Equal(["e1", "e2"], Ids(store, "u1"));
        Assert.Equal(2, store.LogPosition);
        Assert.Equal((3, 4), (status.Entries, status.Events));
    }

    [Fact]
    public async Task Consume_BadEntries_DeadLetteredAckedAndStreamGoesOn()
    {
        using var store = OpenStore();
        await Add("event", "{\"eventId\":");
        await Add("payload", "x");
        await Add("event", "{\"eventId\":\"e7\",\"type\":\"view\",\"itemId\":\"i1\",\"timestamp\":\"2026-12-01T10:00:00Z\"}");
        await Add("events", Event("e8", "u1") + "\n{\"eventId\":");
        await Add("event", Event("e9", "u1"));

        var status = await RunUntilDrained(store, "c1");

        Assert.Equal(["e9"], Ids(store, "u1"));
        var letters = store.DeadLetters(10);
        Assert.Equal(4, letters.Count);
        Assert.All(letters, l => Assert.StartsWith("entry: ", l.Errors[0], StringComparison.Ordinal));
        Assert.Equal(
            ["entry: no field 'event' or 'events' (fields: payload)", "event: invalid JSON at byte 11", "events: invalid JSON on NDJSON line 2, byte 11: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 11.", "userId: missing"],
            letters.Select(l => l.Errors[1]).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(Event("e8", "u1") + "\n{\"eventId\":", letters.Single(l => l.Errors[1].StartsWith("events:", StringComparison.Ordinal)).Record);
        Assert.Equal("{\"payload\":\"x\"}", letters.Single(l => l.Errors[1].StartsWith("entry:", StringComparison.Ordinal)).Record);
        Assert.Equal(0, (await redis.Db.StreamPendingAsync(_stream, "persona")).PendingMessageCount);
        Assert.Equal((5L, 4L), (status.Entries, status.DeadLettered));
    }

    [Fact]
    public async Task Consume_EntriesOfOneRead_OneIngestCallPerRead()
    {
        using var store = OpenStore();
        for (var i = 0; i < 10; i++)
        {
            await Add("event", Event($"e{i}", "u1", minute: i));
        }

        var listener = new CountingListener();
        var status = await RunUntilDrained(store, "c1", batchSize: 4, listener: listener);

        Assert.Equal([4, 4, 2], listener.Batches);
        Assert.Equal(10, status.Entries);
    }

    [Fact]
    public async Task Consume_DeadConsumersPendingEntries_ClaimedByAnother()
    {
        using var store = OpenStore();
        await redis.Db.StreamCreateConsumerGroupAsync(_stream, "persona", StreamPosition.Beginning, createStream: true);
        for (var i = 0; i < 3; i++)
        {
            await Add("event", Event($"d{i}", "u1", minute: i));
        }

        Assert.Equal(3, (await redis.Db.StreamReadGroupAsync(_stream, "persona", "dead", StreamPosition.NewMessages, 10)).Length);
        await Add("event", Event("n1", "u2"));
        await Add("event", Event("n2", "u2", minute: 1));

        var status = await RunUntilDrained(store, "alive", claimIdle: TimeSpan.FromMilliseconds(200));

        Assert.Equal(["d0", "d1", "d2"], Ids(store, "u1"));
        Assert.Equal(["n1", "n2"], Ids(store, "u2"));
        Assert.Equal((5, 3), (status.Entries, status.Claimed));
        var dead = (await redis.Db.StreamConsumerInfoAsync(_stream, "persona")).Single(c => c.Name == "dead");
        Assert.Equal(0, dead.PendingMessageCount);
    }

    [Fact]
    public async Task Consume_OwnPendingEntriesAfterRestart_ReReadWithoutClaim()
    {
        using var store = OpenStore();
        await redis.Db.StreamCreateConsumerGroupAsync(_stream, "persona", StreamPosition.Beginning, createStream: true);
        await Add("event", Event("e1", "u1"));
        await Add("event", Event("e2", "u1", minute: 1));
        Assert.Equal(2, (await redis.Db.StreamReadGroupAsync(_stream, "persona", "c1", StreamPosition.NewMessages, 10)).Length);

        var status = await RunUntilDrained(store, "c1", claimIdle: TimeSpan.FromHours(1));

        Assert.Equal(["e1", "e2"], Ids(store, "u1"));
        Assert.Equal((2, 0), (status.Entries, status.Claimed));
    }

    [Fact]
    public async Task Consume_StoreUnavailable_NothingAckedUntilTheStoreIsBack()
    {
        await Add("event", Event("e1", "u1"));
        await Add("event", Event("e2", "u1", minute: 1));
        var faults = new TestFaults().On(FaultPoint.BeforeLogCommit, _ => throw new InjectedFaultException("disk gone"));
        using (var failing = OpenStore(faults))
        {
            using var source = Source(failing, "c1", TimeSpan.FromHours(1), 256, null);
            await source.StartAsync(CancellationToken.None);
            await WaitFor(source, () => source.Status.Retries >= 3);
            await source.StopAsync(CancellationToken.None);
            Assert.Equal(2, (await redis.Db.StreamPendingAsync(_stream, "persona")).PendingMessageCount);
            Assert.Equal(0, source.Status.Entries);
            Assert.Contains("disk gone", source.Status.LastError, StringComparison.Ordinal);
        }

        using var store = OpenStore();
        var status = await RunUntilDrained(store, "c1", claimIdle: TimeSpan.FromHours(1));

        Assert.Equal(["e1", "e2"], Ids(store, "u1"));
        Assert.Equal(2, status.Entries);
    }

    [Fact]
    public void Validate_BadOptions_NamesEveryProblem()
    {
        var options = new RedisStreamSourceOptions { Connection = "redis://", Stream = " ", BatchSize = 0, ClaimIdleTime = TimeSpan.Zero };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal(
            "invalid Redis stream source options: connection: 'redis://' is not a Redis address (no host); stream: must not be empty; batchSize: 0 is outside 1..100000; claimIdleTime: must be at least 10 ms",
            error.Message);
    }

    private static string Event(string id, string user, int minute = 0) =>
        $"{{\"eventId\":\"{id}\",\"type\":\"view\",\"userId\":\"{user}\",\"itemId\":\"i1\",\"timestamp\":\"2026-12-01T10:{minute:00}:00Z\"}}";

    private static string[] Ids(IProfileStore store, string user) => [.. store.History(user).Select(e => e.EventId)];

    private static async Task WaitFor(RedisStreamSource source, Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the source did not get there in 30 s: {source.Status}; {source.ExecuteTask?.Exception}");
            }

            await Task.Delay(20);
        }
    }

    private async Task Add(string field, string value) => await redis.Db.StreamAddAsync(_stream, field, value);

    private DurableProfileStore OpenStore(IFaultInjector? faults = null) =>
        EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = _dir, Faults = faults }, Engine);

    private RedisStreamSource Source(IProfileStore store, string consumer, TimeSpan claimIdle, int batchSize, IIngestListener? listener) =>
        new(
            new RedisStreamSourceOptions
            {
                Connection = redis.Address,
                Stream = _stream,
                Consumer = consumer,
                BatchSize = batchSize,
                BlockTime = TimeSpan.FromMilliseconds(100),
                ClaimIdleTime = claimIdle,
                LagInterval = TimeSpan.FromMilliseconds(20),
                RetryDelay = TimeSpan.FromMilliseconds(10),
                MaxRetryDelay = TimeSpan.FromMilliseconds(100),
            },
            store,
            new EventParser(Engine.Types, TimeProvider.System),
            listener is null ? [] : [listener],
            TimeProvider.System,
            NullLogger<RedisStreamSource>.Instance);

    /// <summary>Runs a source until it reports lag 0 and no pending entries, and every entry of the stream is acknowledged; its status then.</summary>
    private async Task<EventSourceStatus> RunUntilDrained(IProfileStore store, string consumer, TimeSpan? claimIdle = null, int batchSize = 256, IIngestListener? listener = null)
    {
        using var source = Source(store, consumer, claimIdle ?? TimeSpan.FromSeconds(30), batchSize, listener);
        await source.StartAsync(CancellationToken.None);
        await WaitFor(source, () => source.Status is { Lag: 0, Pending: 0 });
        await source.StopAsync(CancellationToken.None);
        return source.Status;
    }

    private sealed class CountingListener : IIngestListener
    {
        public List<int> Batches { get; } = [];

        public void Ingested(IngestResult result, TimeSpan elapsed) => Batches.Add(result.Accepted + result.Duplicate + result.Rejected);
    }
}
