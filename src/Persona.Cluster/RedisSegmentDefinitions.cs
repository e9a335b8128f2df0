using System.Text.Json;
using Persona.Serving.Segments;
using StackExchange.Redis;

namespace Persona.Cluster;

/// <summary>
/// The cluster's segment definitions, shared by every silo: one Redis hash (<c>{CLUSTER}:segments</c>, name →
/// definition JSON). A put or delete changes its one field, so two silos changing different segments at once lose
/// neither; every silo takes the others' changes within a second (<see cref="SegmentDefinitionSync"/>).
/// </summary>
public sealed class RedisSegmentDefinitions(IConnectionMultiplexer redis, string clusterId) : ISegmentDefinitionStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly RedisKey _key = $"{{{clusterId}}}:segments";

    public string Where => $"redis {_key}";

    public bool IsShared => true;

    public IReadOnlyList<SegmentDefinition> Load() =>
        [.. redis.GetDatabase().HashGetAll(_key)
            .Select(e => JsonSerializer.Deserialize<SegmentDefinition>((byte[])e.Value!, Json)!)
            .OrderBy(d => d.Name, StringComparer.Ordinal)];

    public void Put(SegmentDefinition definition, IReadOnlyList<SegmentDefinition> all)
    {
        ArgumentNullException.ThrowIfNull(definition);
        redis.GetDatabase().HashSet(_key, definition.Name, JsonSerializer.SerializeToUtf8Bytes(definition, Json));
    }

    public void Delete(string name, IReadOnlyList<SegmentDefinition> all) => redis.GetDatabase().HashDelete(_key, name);
}
