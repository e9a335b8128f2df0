using Persona.Core.Engine;
using Persona.Core.Pipeline;
using Persona.Storage.Backend;
using StackExchange.Redis;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.Redis.Tests;

/// <summary>
/// Fencing: each writer that opens a store takes the next epoch, and Redis refuses every write of an older one,
/// so that a stale writer (an old activation after a failover) can never interleave its records with the new
/// writer's log.
/// </summary>
public sealed class RedisFencingTests : IDisposable
{
    private readonly RedisStoreUnderTest _redis = new();
    private readonly ProfileEngine _engine = new(new EngineConfig());

    [Fact]
    public void Writes_OfTheOlderOfTwoWriters_RefusedWithFencedAndNothingWritten()
    {
        var options = _redis.Options(new DurableStoreOptions());
        using var older = RedisStoreBackend.Open(options, _redis.Connection);
        using var newer = RedisStoreBackend.Open(options, _redis.Connection);
        var write = new StoreWrite();
        write.LogRecords.Add(new LogEntry(1, "stale"u8.ToArray()));
        write.DeadLetters.Add(new LogEntry(1, "stale"u8.ToArray()));
        write.Items.Add(new KeyedValue("i", "{}"u8.ToArray()));
        write.Users.Add(new KeyedValue("u", "{}"u8.ToArray()));
        write.Meta.Add(new KeyedValue("m", "x"u8.ToArray()));

        Assert.Equal((1L, 2L), (older.Epoch!.Value, newer.Epoch!.Value));
        Assert.Throws<RedisStoreFencedException>(() => older.Commit(write, durable: true));
        Assert.Throws<RedisStoreFencedException>(() => older.Profiles.Write([new Encoded("u", [1, 2, 3])]));
        Assert.Throws<RedisStoreFencedException>(() => older.EventIds.Write([new EventIdEntry(1, 42, 1)]));
        Assert.Throws<RedisStoreFencedException>(() => older.Log.DeleteThrough(1));
        Assert.Throws<RedisStoreFencedException>(() => older.DeadLetters.DeleteThrough(1));
        Assert.Throws<RedisStoreFencedException>(() => older.EventIds.DeleteBucketsThrough(1));

        // Only the epoch is there: none of the refused writes reached Redis.
        var keys = _redis.Server.Keys(_redis.Connection);
        Assert.Equal(["{persona:test}:epoch"], keys);
        newer.Commit(write, durable: true);
        Assert.Equal("stale"u8.ToArray(), newer.Log.Read(1));
    }

    [Fact]
    public void Ingest_OnTheOlderOfTwoStores_UnavailableAsSupersededAndTheNewerLogHoldsOnlyItsOwnRecords()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-1), users: 50, events: 900);
        var options = _redis.Options(new DurableStoreOptions());
        using var older = RedisProfileStore.Open(options, _engine, _redis.Connection);
        older.UpsertItems(Batch(shop.Catalog));
        Assert.Equal(300, older.Ingest(Batch(events[..300])).Accepted);

        using var newer = RedisProfileStore.Open(options, _engine, _redis.Connection);
        var refused = Assert.Throws<StoreUnavailableException>(() => older.Ingest(Batch(events[300..600])));
        Assert.IsType<RedisStoreFencedException>(refused.InnerException);
        Assert.Equal((StoreFaultKind.Superseded, "superseded"), (refused.Fault.Kind, refused.Fault.Reason));
        Assert.Equal(StoreFaultKind.Superseded, older.Health.Fault?.Kind);
        Assert.Equal(300, newer.Ingest(Batch(events[600..])).Accepted);

        using var reader = RedisStoreBackend.OpenReadOnly(options, _redis.Connection);
        var seqs = new List<long>();
        reader.Log.Scan(0, (seq, _) =>
        {
            seqs.Add(seq);
            return true;
        });
        Assert.Equal(Enumerable.Range(1, 601).Select(i => (long)i), seqs); // the catalog, then 300 events of each writer
        AssertProfiles(newer, Reference(_engine, shop.Catalog, [.. events[..300], .. events[600..]]));
    }

    [Fact]
    public void OpenReadOnly_Writes_ThrowAndNoEpochIsTaken()
    {
        var options = _redis.Options(new DurableStoreOptions());
        using (var writer = RedisStoreBackend.Open(options, _redis.Connection))
        {
            writer.Commit(new StoreWrite { LogRecords = { new LogEntry(1, "one"u8.ToArray()) } }, durable: true);
        }

        using var reader = RedisStoreBackend.OpenReadOnly(options, _redis.Connection);
        Assert.Null(reader.Epoch);
        Assert.Equal("one"u8.ToArray(), reader.Log.Read(1));
        Assert.Throws<InvalidOperationException>(() => reader.Commit(new StoreWrite { LogRecords = { new LogEntry(2, "two"u8.ToArray()) } }, durable: true));
        Assert.Throws<InvalidOperationException>(() => reader.Profiles.Write([new Encoded("u", [1])]));
        Assert.Equal(1L, (long)_redis.Connection.GetDatabase().StringGet("{persona:test}:epoch"));

        // The writer that opens next is not fenced by the reader.
        using var next = RedisStoreBackend.Open(options, _redis.Connection);
        next.Commit(new StoreWrite { LogRecords = { new LogEntry(2, "two"u8.ToArray()) } }, durable: true);
        Assert.Equal(2, reader.Log.LastSeq);
    }

    public void Dispose() => _redis.Dispose();

    private sealed class Encoded(string userId, byte[] bytes) : IEncodedProfile
    {
        public string UserId { get; } = userId;

        public bool WriteTo<TState>(TState state, System.Buffers.ReadOnlySpanAction<byte, TState> write)
        {
            write(bytes, state);
            return true;
        }
    }
}
