using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Persona.Sources.Redis;
using Persona.Sources.Redis.Hosting;

namespace Persona.Cli.Commands;

/// <summary>
/// The event source options of <c>persona serve</c>: <c>--redis-stream NAME --redis redis://HOST:PORT</c>. A
/// host that has a Redis address of its own (a cluster) passes it to <see cref="Build"/> as the fallback.
/// </summary>
internal sealed class StreamOptionSet
{
    public Option<string?> Stream { get; } = new("--redis-stream") { Description = "Also consume this Redis Stream (consumer group 'persona'; field 'event': one JSON event, 'events': NDJSON) into the store" };

    public Option<string?> Redis { get; } = new("--redis") { Description = "The Redis server of --redis-stream: redis://HOST:PORT" };

    public Option<string?> Consumer { get; } = new("--stream-consumer") { Description = "This process's consumer name in the group (default: host name and process id); keep it across restarts to re-read its own pending entries first" };

    public Option<int> Batch { get; } = new("--stream-batch") { Description = "Stream entries read (and ingested as one batch) at most per read", DefaultValueFactory = _ => 256 };

    public Option<double> ClaimIdleSeconds { get; } = new("--stream-claim-idle-seconds") { Description = "Claim entries other consumers have left unacknowledged this long (a dead consumer's)", DefaultValueFactory = _ => 30 };

    public void AddTo(Command command)
    {
        command.Options.Add(Stream);
        command.Options.Add(Redis);
        command.Options.Add(Consumer);
        command.Options.Add(Batch);
        command.Options.Add(ClaimIdleSeconds);
    }

    /// <summary>The source's options, or null without <c>--redis-stream</c>; throws <see cref="ArgumentException"/> for a stream without a Redis address.</summary>
    public RedisStreamSourceOptions? Build(ParseResult r, string? redisFallback = null)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.GetValue(Stream) is not { } stream)
        {
            return null;
        }

        var redis = r.GetValue(Redis) ?? redisFallback ?? throw new ArgumentException("--redis-stream: needs --redis redis://HOST:PORT");
        var options = new RedisStreamSourceOptions
        {
            Connection = redis,
            Stream = stream,
            BatchSize = r.GetValue(Batch),
            ClaimIdleTime = TimeSpan.FromSeconds(r.GetValue(ClaimIdleSeconds)),
        };
        return r.GetValue(Consumer) is { } consumer ? options with { Consumer = consumer } : options;
    }

    /// <summary>Registers the source when <c>--redis-stream</c> is given (<paramref name="redisFallback"/>: the host's own Redis address, used without <c>--redis</c>).</summary>
    public void Register(IServiceCollection services, ParseResult r, string? redisFallback = null)
    {
        if (Build(r, redisFallback) is { } options)
        {
            services.AddRedisStreamSource(options);
        }
    }
}
