using System.Diagnostics;
using Persona.Storage.Backend;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;
using Xunit.Abstractions;

namespace Persona.Storage.Redis.Tests;

/// <summary>What a commit costs in requests to Redis: one script call, whatever the size of the batch.</summary>
public sealed class RedisRoundTripTests(ITestOutputHelper output) : IDisposable
{
    private readonly RedisStoreUnderTest _redis = new();

    [Fact]
    public void Commit_BatchesOf1000Records_OneRequestEach()
    {
        const int Commits = 20;
        using var connection = ConnectionMultiplexer.Connect(_redis.Server.Endpoint + ",allowAdmin=true");
        using var backend = RedisStoreBackend.Open(_redis.Options(new DurableStoreOptions()), connection);
        backend.Commit(Batch(0), durable: true); // the script's first call loads it into the server
        var session = new ProfilingSession();
        connection.RegisterProfiler(() => session);
        var watch = Stopwatch.StartNew();
        for (var k = 1; k <= Commits; k++)
        {
            backend.Commit(Batch(k), durable: true);
        }

        watch.Stop();
        var commands = session.FinishProfiling().Select(c => c.Command).ToList();
        Assert.Equal(Enumerable.Repeat("EVALSHA", Commits), commands);
        Assert.Equal((Commits + 1) * 1_000, backend.Log.LastSeq);
        var scripts = connection.GetServer(_redis.Server.Endpoint).Info("commandstats").SelectMany(g => g).Single(p => p.Key == "cmdstat_evalsha").Value;
        output.WriteLine($"{Commits} commits of 1,000 records of 200 bytes: {Commits / watch.Elapsed.TotalSeconds:0} commits/s, {Commits * 1_000 / watch.Elapsed.TotalSeconds:0} records/s; in Redis: {scripts}");
    }

    public void Dispose() => _redis.Dispose();

    /// <summary>Commit <paramref name="k"/>: log positions k*1000+1 to (k+1)*1000, 200 bytes each, and one metadata key.</summary>
    private static StoreWrite Batch(int k)
    {
        var write = new StoreWrite();
        for (var i = 1; i <= 1_000; i++)
        {
            var record = new byte[200];
            Random.Shared.NextBytes(record);
            write.LogRecords.Add(new LogEntry(((long)k * 1_000) + i, record));
        }

        write.Meta.Add(new KeyedValue("position", BitConverter.GetBytes(k)));
        return write;
    }
}
