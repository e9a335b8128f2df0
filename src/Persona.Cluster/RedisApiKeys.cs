using System.Text.Json;
using Persona.Serving.Access;
using StackExchange.Redis;

namespace Persona.Cluster;

/// <summary>
/// The cluster's API keys, shared by every silo: one Redis hash (<c>{CLUSTER}:keys</c>, key id → the stored key as
/// JSON: its name, scopes and the SHA-256 of its secret, never the secret). Every silo reads it again within a second.
/// </summary>
public sealed class RedisApiKeys(IConnectionMultiplexer redis, string clusterId) : IApiKeyStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly RedisKey _key = $"{{{clusterId}}}:keys";

    public string Where => $"redis {_key}";

    public IReadOnlyList<ApiKey> Load() =>
        [.. redis.GetDatabase().HashGetAll(_key).Select(e => JsonSerializer.Deserialize<ApiKey>((byte[])e.Value!, Json)!)];

    public void Save(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        redis.GetDatabase().HashSet(_key, key.Id, JsonSerializer.SerializeToUtf8Bytes(key, Json));
    }
}
