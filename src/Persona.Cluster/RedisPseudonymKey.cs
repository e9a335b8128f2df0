using Persona.Serving.Privacy;
using StackExchange.Redis;

namespace Persona.Cluster;

/// <summary>
/// The cluster's pseudonym key, shared by every silo so that a user's pseudonym is the same whichever silo logs it:
/// 256 random bits under <c>{CLUSTER}:pseudonym-key</c>, set by the first silo that finds none (SET NX).
/// </summary>
public static class RedisPseudonymKey
{
    public static byte[] Load(IConnectionMultiplexer redis, string clusterId)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var key = (RedisKey)$"{{{clusterId}}}:pseudonym-key";
        var db = redis.GetDatabase();
        db.StringSet(key, Pseudonyms.NewKey(), when: When.NotExists);
        return (byte[])db.StringGet(key)!;
    }
}
