using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>
/// Runs the store's write scripts under the writer's epoch, and turns Redis's refusal of a stale epoch into
/// <see cref="RedisStoreFencedException"/>. A read-only backend has no epoch: every write throws.
/// </summary>
internal sealed class FencedWriter(IDatabase db, RedisKeys keys, long? epoch, string where)
{
    private readonly RedisValue _epoch = epoch is { } e ? e : RedisValue.Null;

    /// <summary>The writer's epoch; null when read-only.</summary>
    public long? Epoch => epoch;

    /// <summary>Runs <paramref name="script"/> with KEYS (epoch, <paramref name="key"/>) and ARGV (epoch, <paramref name="args"/>...).</summary>
    public RedisResult Run(RedisScript script, RedisKey key, params ReadOnlySpan<RedisValue> args) =>
        Run(script, [keys.Epoch, key], args);

    /// <summary>Runs <paramref name="script"/> with KEYS (epoch, <paramref name="scriptKeys"/>...) and ARGV (epoch, <paramref name="args"/>...).</summary>
    public RedisResult Run(RedisScript script, RedisKey[] scriptKeys, ReadOnlySpan<RedisValue> args)
    {
        var values = Arguments(args);
        try
        {
            return script.Evaluate(db, scriptKeys, values);
        }
        catch (RedisServerException ex) when (IsFenced(ex))
        {
            throw Fenced(ex);
        }
    }

    /// <summary>Runs several scripts pipelined (one round trip for all) and waits for every one.</summary>
    public void RunAll(RedisScript script, RedisKey key, IReadOnlyList<RedisValue[]> argumentLists)
    {
        if (argumentLists.Count == 0)
        {
            return;
        }

        var scriptKeys = new[] { keys.Epoch, key };
        var pending = argumentLists.Select(args => script.EvaluateAsync(db, scriptKeys, Arguments(args))).ToArray();
        try
        {
            Task.WaitAll(pending);
        }
        catch (AggregateException ex)
        {
            var first = ex.InnerExceptions[0];
            throw first is RedisServerException server && IsFenced(server) ? Fenced(server) : first;
        }
    }

    /// <summary>Throws unless this backend may write.</summary>
    public void ThrowIfReadOnly()
    {
        if (epoch is null)
        {
            throw new InvalidOperationException($"the Redis store {where} was opened read-only");
        }
    }

    private static bool IsFenced(RedisServerException ex) => ex.Message.StartsWith(RedisScripts.FencedPrefix, StringComparison.Ordinal);

    private RedisValue[] Arguments(ReadOnlySpan<RedisValue> args)
    {
        ThrowIfReadOnly();
        var values = new RedisValue[args.Length + 1];
        values[0] = _epoch;
        args.CopyTo(values.AsSpan(1));
        return values;
    }

    private RedisStoreFencedException Fenced(RedisServerException ex) =>
        new($"the Redis store {where} has a newer writer: {ex.Message[(RedisScripts.FencedPrefix.Length + 1)..]}", ex);
}
