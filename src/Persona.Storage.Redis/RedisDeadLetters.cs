using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>
/// Dead letters in a sorted set scored by position, each member the position (8 bytes, big-endian) then the record.
/// Not a stream: the dead letter book numbers on from the newest letter it finds, so once every letter has
/// expired it hands out positions again, which a stream (whose ids must grow) would refuse.
/// </summary>
internal sealed class RedisDeadLetters(IDatabase db, RedisKeys keys, FencedWriter writer) : Backend.IDeadLetterStore
{
    private const int Page = 512;

    public void Scan(bool newestFirst, Backend.LogVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var (bound, order) = newestFirst ? (double.PositiveInfinity, Order.Descending) : (double.NegativeInfinity, Order.Ascending);
        var exclude = Exclude.None;
        while (true)
        {
            var page = newestFirst
                ? db.SortedSetRangeByScoreWithScores(keys.DeadLetters, bound, double.NegativeInfinity, exclude, order, 0, Page)
                : db.SortedSetRangeByScoreWithScores(keys.DeadLetters, bound, double.PositiveInfinity, exclude, order, 0, Page);
            foreach (var entry in page)
            {
                var member = (byte[])entry.Element!;
                if (!visitor((long)entry.Score, member.AsSpan(8)))
                {
                    return;
                }

                bound = entry.Score;
            }

            if (page.Length < Page)
            {
                return;
            }

            exclude = Exclude.Start;
        }
    }

    public void DeleteThrough(long through) =>
        writer.Run(RedisScripts.Single, keys.DeadLetters, "ZREMRANGEBYSCORE", "-inf", through);
}
