using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>
/// The log as a Redis stream, one entry per position with the explicit id <c>SEQ-0</c>, so that stream order
/// is log order. Stream ids must grow, and the protocol never hands a position out twice (recovery numbers on
/// after the newest position the log or a checkpoint saw), so an append is always after the stream's newest id.
/// </summary>
internal sealed class RedisEventLog(IDatabase db, RedisKeys keys, FencedWriter writer) : Backend.IEventLogStore
{
    private const int Page = 1_024;

    public long LastSeq =>
        db.StreamRange(keys.Log, "-", "+", 1, Order.Descending) is [var last] ? StreamIds.SeqOf(last.Id) : 0;

    public byte[]? Read(long seq)
    {
        var id = StreamIds.Of(seq);
        return db.StreamRange(keys.Log, id, id, 1) is [var entry] ? (byte[]?)entry.Values[0].Value : null;
    }

    public void Scan(long from, Backend.LogVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var next = Math.Max(1, from);
        while (true)
        {
            var page = db.StreamRange(keys.Log, StreamIds.Of(next), "+", Page);
            foreach (var entry in page)
            {
                var seq = StreamIds.SeqOf(entry.Id);
                if (!visitor(seq, (byte[])entry.Values[0].Value!))
                {
                    return;
                }

                next = seq + 1;
            }

            if (page.Length < Page)
            {
                return;
            }
        }
    }

    /// <summary>Trims the stream exactly (not approximately) below <paramref name="through"/> + 1.</summary>
    public void DeleteThrough(long through) =>
        writer.Run(RedisScripts.Single, keys.Log, "XTRIM", "MINID", StreamIds.Of(through + 1));

    /// <summary>Nothing to do: Redis frees a deleted entry's memory at once, and rewrites its append-only file by itself.</summary>
    public void Compact() => writer.ThrowIfReadOnly();
}
