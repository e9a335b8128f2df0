using Microsoft.Extensions.Hosting;
using Persona.Serving.Hosting;
using Persona.Serving.Privacy;
using StackExchange.Redis;

namespace Persona.Cluster;

/// <summary>
/// Erasures announced to every silo over Redis publish/subscribe (channel <c>{CLUSTER}:erasures</c>, each message
/// the announcing silo's node id, a newline and the user id). Messages are not stored: a silo that is down when
/// one is sent rebuilds its memory from the store (where the user is gone), and at start enters in its own ledger
/// the erasures of the last 30 days kept in the sorted set <c>{CLUSTER}:erased</c> (pseudonyms only, scored by
/// the time of erasure), so that its next purge covers its impression files too.
/// </summary>
public sealed class RedisErasures(IConnectionMultiplexer redis, string clusterId, NodeIdentity node, Pseudonyms pseudonyms, TimeProvider clock) : IErasureBroadcast
{
    /// <summary>How long an erasure stays in the cluster's set: the longest purge bound allowed.</summary>
    public static readonly TimeSpan Kept = TimeSpan.FromDays(30);

    private readonly RedisKey _erased = $"{{{clusterId}}}:erased";

    public RedisChannel Channel { get; } = RedisChannel.Literal($"{{{clusterId}}}:erasures");

    public string NodeId => node.Id;

    public void Announce(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var now = clock.GetUtcNow();
        var db = redis.GetDatabase();
        db.SortedSetAdd(_erased, pseudonyms.Of(userId), now.ToUnixTimeMilliseconds());
        db.SortedSetRemoveRangeByScore(_erased, double.NegativeInfinity, (now - Kept).ToUnixTimeMilliseconds());
        redis.GetSubscriber().Publish(Channel, node.Id + "\n" + userId);
    }

    /// <summary>The erasures of the last 30 days: pseudonym and time.</summary>
    public IEnumerable<(string Pseudonym, DateTimeOffset At)> Recent() =>
        redis.GetDatabase().SortedSetRangeByScoreWithScores(_erased, (clock.GetUtcNow() - Kept).ToUnixTimeMilliseconds())
            .Select(e => ((string)e.Element!, DateTimeOffset.FromUnixTimeMilliseconds((long)e.Score)));
}

/// <summary>Listens for erasures announced by other silos and drops the user from this silo's memory and impression files.</summary>
public sealed partial class RedisErasureListener(IConnectionMultiplexer redis, RedisErasures erasures, UserErasure erasure, ILogger<RedisErasureListener> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var known = erasure.Ledger.Pending();
        foreach (var (pseudonym, at) in erasures.Recent())
        {
            if (known.GetValueOrDefault(pseudonym, long.MinValue) < at.ToUnixTimeMilliseconds())
            {
                erasure.Ledger.Add(pseudonym, at); // erased while this silo was away: its impression files may hold their answers
            }
        }

        await Subscribe();
    }

    private Task Subscribe() =>
        redis.GetSubscriber().SubscribeAsync(erasures.Channel, (_, message) =>
        {
            var text = (string?)message ?? string.Empty;
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline <= 0 || text[..newline] == erasures.NodeId)
            {
                return; // malformed, or this silo's own announcement
            }

            try
            {
                erasure.ForgetHere(text[(newline + 1)..]);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ForgetFailed(logger, ex.Message);
            }
        });

    public Task StopAsync(CancellationToken cancellationToken) => redis.GetSubscriber().UnsubscribeAsync(erasures.Channel);

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "An erasure announced by another silo could not be recorded here: {Reason}")]
    private static partial void ForgetFailed(ILogger logger, string reason);
}
