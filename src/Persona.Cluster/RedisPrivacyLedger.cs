using System.Globalization;
using Persona.Serving.Privacy;
using StackExchange.Redis;

namespace Persona.Cluster;

/// <summary>
/// The cluster's privacy ledger, shared by every silo: one Redis hash per UTC day (<c>{CLUSTER}:privacy:YYYY-MM-DD</c>,
/// key id → ε spent), checked and incremented in one script so two silos cannot both spend the last of a budget; each
/// day's hash expires two days after it starts.
/// </summary>
public sealed class RedisPrivacyLedger(IConnectionMultiplexer redis, string clusterId) : IPrivacyLedger
{
    private const string Spend = """
        local spent = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        if spent + tonumber(ARGV[2]) > tonumber(ARGV[3]) + 1e-9 then
          return {0, tostring(spent)}
        end
        redis.call('HINCRBYFLOAT', KEYS[1], ARGV[1], ARGV[2])
        redis.call('EXPIRE', KEYS[1], 172800)
        return {1, tostring(spent)}
        """;

    public bool TrySpend(string key, DateOnly day, double epsilon, double perDay, out double spentBefore)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = (RedisKey)$"{{{clusterId}}}:privacy:{day.ToString("O", CultureInfo.InvariantCulture)}";
        var reply = (RedisResult[])redis.GetDatabase().ScriptEvaluate(Spend, [hash], [key, epsilon.ToString("R", CultureInfo.InvariantCulture), perDay.ToString("R", CultureInfo.InvariantCulture)])!;
        spentBefore = double.Parse((string)reply[1]!, CultureInfo.InvariantCulture);
        return (int)reply[0] == 1;
    }
}
