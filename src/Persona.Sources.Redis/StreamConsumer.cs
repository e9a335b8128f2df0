using StackExchange.Redis;

namespace Persona.Sources.Redis;

/// <summary>The Redis commands of one consumer in one group of one stream.</summary>
internal sealed class StreamConsumer(IDatabase db, RedisStreamSourceOptions options)
{
    private readonly RedisKey _stream = options.Stream;

    /// <summary>Creates the group at the stream's start, and the stream with it, unless the group exists.</summary>
    public async Task EnsureGroupAsync()
    {
        try
        {
            await db.StreamCreateConsumerGroupAsync(_stream, options.Group, StreamPosition.Beginning, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // the group exists: its position is kept
        }
    }

    /// <summary>Entries delivered to this consumer and not acknowledged, after <paramref name="afterId"/> (its pending list, as after a restart).</summary>
    public async Task<StreamEntry[]> ReadOwnPendingAsync(RedisValue afterId) =>
        await db.StreamReadGroupAsync(_stream, options.Group, options.Consumer, afterId, options.BatchSize).ConfigureAwait(false);

    /// <summary>
    /// New entries, waiting up to the block time for some (XREADGROUP ... BLOCK, sent as a raw command since the
    /// client's own call does not block; the source has its own connection, so nothing else waits behind it).
    /// </summary>
    public async Task<StreamEntry[]> ReadNewAsync()
    {
        var result = await db.ExecuteAsync(
            "XREADGROUP",
            "GROUP",
            options.Group,
            options.Consumer,
            "COUNT",
            options.BatchSize,
            "BLOCK",
            (long)options.BlockTime.TotalMilliseconds,
            "STREAMS",
            _stream,
            ">").ConfigureAwait(false);
        return result.IsNull || result.Length == 0 ? [] : Entries(result[0][1]);
    }

    /// <summary>Takes over entries that other consumers have left unacknowledged for the claim idle time, from <paramref name="start"/>; the id to continue from ("0-0": done).</summary>
    public async Task<(StreamEntry[] Entries, RedisValue Next)> ClaimAsync(RedisValue start)
    {
        var claimed = await db.StreamAutoClaimAsync(_stream, options.Group, options.Consumer, (long)options.ClaimIdleTime.TotalMilliseconds, start, options.BatchSize).ConfigureAwait(false);
        return (claimed.ClaimedEntries ?? [], claimed.NextStartId);
    }

    public async Task AckAsync(RedisValue[] ids) =>
        await db.StreamAcknowledgeAsync(_stream, options.Group, ids).ConfigureAwait(false);

    /// <summary>The group's lag (entries not yet delivered to it; null before Redis 7 or when unknown) and its pending count.</summary>
    public async Task<(long? Lag, long Pending)> GroupInfoAsync()
    {
        foreach (var group in await db.StreamGroupInfoAsync(_stream).ConfigureAwait(false))
        {
            if (group.Name == options.Group)
            {
                return (group.Lag, group.PendingMessageCount);
            }
        }

        return (null, 0);
    }

    /// <summary>Reads the reply's entries: each [id, [field, value, ...]], the fields nil for an entry deleted since it was delivered.</summary>
    private static StreamEntry[] Entries(RedisResult list)
    {
        var entries = new StreamEntry[list.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var item = list[i];
            var fields = item[1];
            var values = new NameValueEntry[fields.IsNull ? 0 : fields.Length / 2];
            for (var f = 0; f < values.Length; f++)
            {
                values[f] = new NameValueEntry((RedisValue)fields[2 * f], (RedisValue)fields[(2 * f) + 1]);
            }

            entries[i] = new StreamEntry((RedisValue)item[0], values);
        }

        return entries;
    }
}
