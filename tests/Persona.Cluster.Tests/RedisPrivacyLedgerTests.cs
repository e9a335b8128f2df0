using StackExchange.Redis;

namespace Persona.Cluster.Tests;

/// <summary>The cluster's privacy ledger against a real redis-server: shared by every silo, and never spent beyond the budget.</summary>
public sealed class RedisPrivacyLedgerTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 12, 8);
    private readonly Persona.TestData.RedisServer _redis = Persona.TestData.RedisServer.Start();

    [Fact]
    public void TrySpend_TwoSilosOneBudget_TheSecondSeesTheFirstsSpending()
    {
        using var redis = ConnectionMultiplexer.Connect(_redis.Endpoint);
        var first = new RedisPrivacyLedger(redis, "c1");
        var second = new RedisPrivacyLedger(redis, "c1");

        Assert.True(first.TrySpend("k1", Day, 6, 10, out var before));
        Assert.False(second.TrySpend("k1", Day, 5, 10, out var spent));
        Assert.True(second.TrySpend("k1", Day, 4, 10, out var last));

        Assert.Equal((0.0, 6.0, 6.0), (before, spent, last));
        Assert.True(first.TrySpend("k1", Day.AddDays(1), 10, 10, out _)); // a new day, a new budget
    }

    [Fact]
    public void TrySpend_ManyConcurrentSpenders_NeverMoreThanTheBudget()
    {
        using var redis = ConnectionMultiplexer.Connect(_redis.Endpoint);
        var ledgers = Enumerable.Range(0, 4).Select(_ => new RedisPrivacyLedger(redis, "c2")).ToArray();

        var granted = 0;
        Parallel.For(0, 200, i =>
        {
            if (ledgers[i % 4].TrySpend("k", Day, 0.1, 10, out _))
            {
                Interlocked.Increment(ref granted);
            }
        });

        Assert.Equal(100, granted);
    }

    public void Dispose() => _redis.Dispose();
}
