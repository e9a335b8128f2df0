using System.Text.Json;
using Persona.Recommend.Experiments;
using Persona.Serving.Experiments;
using StackExchange.Redis;

namespace Persona.Cluster;

/// <summary>
/// The cluster's running experiment, shared by every silo: a Redis hash <c>{CLUSTER}:experiment</c> (id, run,
/// definition) and, per silo, its counts for the run in <c>{CLUSTER}:experiment:tallies</c> (node → tally). Each
/// change is one Lua script, so a start (which drops the old run's counts), a stop and a publish never interleave:
/// a silo still publishing a run that has ended is ignored. Every silo takes a start or stop made through another
/// within a second (<see cref="ExperimentSync"/>), and a report on any silo adds up every silo's counts.
/// </summary>
public sealed class RedisExperiments(IConnectionMultiplexer redis, string clusterId) : IExperimentStore
{
    private const string StartScript = """
        local cur = redis.call('HGET', KEYS[1], 'id')
        if cur and cur ~= ARGV[1] then return cur end
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[1], 'id', ARGV[1], 'run', ARGV[2], 'definition', ARGV[3])
        return false
        """;

    private const string StopScript = """
        if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1], KEYS[2])
        return 1
        """;

    private const string PublishScript = """
        if redis.call('HGET', KEYS[1], 'run') ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
        return 1
        """;

    private const string TalliesScript = """
        if redis.call('HGET', KEYS[1], 'run') ~= ARGV[1] then return {} end
        return redis.call('HGETALL', KEYS[2])
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly RedisKey[] _keys = [$"{{{clusterId}}}:experiment", $"{{{clusterId}}}:experiment:tallies"];

    public string Where => $"redis {_keys[0]}";

    public bool IsShared => true;

    public RunningExperiment? Load()
    {
        var fields = redis.GetDatabase().HashGetAll(_keys[0]).ToDictionary(e => e.Name.ToString(), e => e.Value);
        return fields.TryGetValue("run", out var run) && fields.TryGetValue("definition", out var definition)
            && JsonSerializer.Deserialize<Experiment>((byte[])definition!, Json) is { } experiment
            ? new RunningExperiment(experiment, run.ToString())
            : null;
    }

    public RunningExperiment Start(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var run = Guid.NewGuid().ToString("N");
        var other = redis.GetDatabase().ScriptEvaluate(StartScript, _keys, [experiment.Id, run, JsonSerializer.SerializeToUtf8Bytes(experiment, Json)]);
        return other.IsNull
            ? new RunningExperiment(experiment, run)
            : throw new InvalidOperationException($"experiment '{other}' is running: stop it first");
    }

    public bool Finish(string id) => (int)redis.GetDatabase().ScriptEvaluate(StopScript, _keys, [id]) == 1;

    public void Publish(string run, string node, ExperimentTally tally) =>
        redis.GetDatabase().ScriptEvaluate(PublishScript, _keys, [run, node, ExperimentTallyCodec.Encode(tally)]);

    public IReadOnlyDictionary<string, ExperimentTally> Tallies(string run)
    {
        var reply = (RedisResult[])redis.GetDatabase().ScriptEvaluate(TalliesScript, _keys, [run])!;
        var tallies = new Dictionary<string, ExperimentTally>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < reply.Length; i += 2)
        {
            tallies[reply[i].ToString()] = ExperimentTallyCodec.Decode((byte[])reply[i + 1]!);
        }

        return tallies;
    }
}
