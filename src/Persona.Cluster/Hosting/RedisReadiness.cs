using Persona.Storage.Redis;
using StackExchange.Redis;

namespace Persona.Cluster.Hosting;

/// <summary>
/// Waits, before a silo starts, until the cluster's Redis answers and has loaded its data: Orleans' membership
/// table and the partitions' stores give up at once on a refused connection or a <c>LOADING</c> reply, so a
/// silo started while Redis restarts would otherwise exit.
/// </summary>
public static class RedisReadiness
{
    public static async Task WaitAsync(string redis, TimeSpan timeout, CancellationToken ct)
    {
        var config = RedisConfiguration.Parse(redis);
        config.AbortOnConnectFail = false;
        using var connection = await ConnectionMultiplexer.ConnectAsync(config);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await connection.GetDatabase().PingAsync();
                await connection.GetDatabase().KeyExistsAsync("persona:readiness");
                return;
            }
            catch (RedisException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
    }
}
