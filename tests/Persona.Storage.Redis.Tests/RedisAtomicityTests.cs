using System.Text;
using Persona.Core.Engine;
using Persona.Storage.Backend;
using StackExchange.Redis;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.Redis.Tests;

/// <summary>
/// What Redis itself does with a commit when the power goes: a commit's writes are one MULTI/EXEC in the
/// append-only file, so a file cut inside it loads without any of it; and a server killed under a stream of
/// batches loses none that it acknowledged, while the client's connection comes back by itself.
/// </summary>
public sealed class RedisAtomicityTests : IDisposable
{
    private readonly RedisStoreUnderTest _redis = new();
    private readonly ProfileEngine _engine = new(new EngineConfig());

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.95)]
    public void Commit_AppendOnlyFileCutInsideTheLastCommit_NoneOfItVisibleEverythingBeforeKept(double cut)
    {
        var options = _redis.Options(new DurableStoreOptions());
        using (var backend = RedisStoreBackend.Open(options, _redis.Connection))
        {
            backend.Commit(CommitNumber(1), durable: true);
            backend.Commit(CommitNumber(2), durable: true);
        }

        _redis.Server.Kill();
        var aof = _redis.Server.IncrementalAof;
        var bytes = File.ReadAllBytes(aof);
        var multi = bytes.AsSpan().LastIndexOf("*1\r\n$5\r\nMULTI\r\n"u8);
        var exec = bytes.AsSpan().LastIndexOf("*1\r\n$4\r\nEXEC\r\n"u8);
        Assert.True(multi > 0 && exec > multi, "the last commit is one MULTI/EXEC in the append-only file");
        File.WriteAllBytes(aof, bytes[..(multi + (int)((exec + 14 - multi) * cut))]);
        _redis.Server.Restart("--aof-load-truncated", "yes");

        using var connection = ConnectionMultiplexer.Connect(_redis.Server.Endpoint + ",allowAdmin=true");
        using var reopened = RedisStoreBackend.Open(options, connection);
        Assert.Equal([true, true, true, true, true], PartsOf(reopened, 1));
        Assert.Equal([false, false, false, false, false], PartsOf(reopened, 2));
        Assert.Equal(1, reopened.Log.LastSeq);
    }

    [Fact]
    public void Ingest_RedisKilledAndRestartedMidRun_EveryAcknowledgedBatchKeptAndTheConnectionBack()
    {
        // Batches stream in; the server is killed with SIGKILL after the 8th and started again. A batch that got no
        // answer is sent again to a store reopened on the same connection (which reconnects by itself): the
        // acknowledged ones must all be there, and those sent twice counted once.
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-1), users: 100, events: 6_000);
        var options = _redis.Options(new DurableStoreOptions { CheckpointEveryEvents = 1_000 });
        var connection = _redis.Connection;
        var store = RedisProfileStore.Open(options, _engine, connection);
        store.UpsertItems(Batch(shop.Catalog));
        var restart = Task.CompletedTask;
        var resent = 0;
        try
        {
            var batches = events.Chunk(250).ToList();
            for (var b = 0; b < batches.Count;)
            {
                if (b == 8 && restart.IsCompleted && resent == 0)
                {
                    _redis.Server.Kill();
                    restart = Task.Run(async () =>
                    {
                        await Task.Delay(200);
                        _redis.Server.Restart();
                    });
                }

                try
                {
                    var result = store.Ingest(Batch(batches[b]));
                    Assert.Equal(batches[b].Length, result.Accepted + result.Duplicate);
                    b++;
                }
                catch (Core.Pipeline.StoreUnavailableException)
                {
                    resent++;
                    store.Dispose();
                    store = OpenWhenUp(options, connection);
                }
            }
        }
        finally
        {
            store.Dispose();
        }

        restart.Wait();
        Assert.True(connection.IsConnected);
        using var reopened = RedisProfileStore.Open(options, _engine, connection);
        Assert.Equal(events.Count + 1, reopened.Stats.LogPosition); // the catalog, then every event once
        AssertProfiles(reopened, Reference(_engine, shop.Catalog, events));
    }

    public void Dispose() => _redis.Dispose();

    /// <summary>Opens the store once the server answers again (a request made before waits out the client's timeout).</summary>
    private DurableProfileStore OpenWhenUp(RedisStoreOptions options, IConnectionMultiplexer connection)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return RedisProfileStore.Open(options, _engine, connection);
            }
            catch (Exception ex) when (attempt < 10 && ex is RedisException or TimeoutException)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static StoreWrite CommitNumber(int k)
    {
        var payload = Encoding.UTF8.GetBytes($"commit {k} " + new string('x', 2_000));
        var write = new StoreWrite();
        write.LogRecords.Add(new LogEntry(k, payload));
        write.DeadLetters.Add(new LogEntry(k, payload));
        write.Items.Add(new KeyedValue($"item-{k}", Encoding.UTF8.GetBytes($"{{\"itemId\":\"item-{k}\"}}")));
        write.Users.Add(new KeyedValue($"user-{k}", payload));
        write.Meta.Add(new KeyedValue($"commit/{k}", payload));
        return write;
    }

    private static bool[] PartsOf(IStoreBackend backend, int k)
    {
        var letter = false;
        backend.DeadLetters.Scan(newestFirst: false, (seq, _) =>
        {
            letter |= seq == k;
            return true;
        });
        var item = false;
        backend.Records.ScanItems(json => item |= Encoding.UTF8.GetString(json).Contains($"\"item-{k}\"", StringComparison.Ordinal));
        return [backend.Log.Read(k) is not null, letter, item, backend.Records.ReadUser($"user-{k}") is not null, backend.Meta.Read($"commit/{k}") is not null];
    }
}
