using System.Buffers.Binary;
using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>
/// Spilled event ids in one sorted set, every score 0, so that members sort by their bytes: bucket (4 bytes, sign
/// bit flipped so that byte order is numeric order), fingerprint (8) and position (8), big-endian. A lookup is
/// one script that jumps from bucket to bucket present and reads each (bucket, fingerprint) range; deleting
/// buckets is one range removal.
/// </summary>
internal sealed class RedisEventIds(IDatabase db, RedisKeys keys, FencedWriter writer) : Backend.IEventIdStore
{
    private const int MemberLength = 20;
    private const int Chunk = 10_000;

    public void Write(IReadOnlyList<Backend.EventIdEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        writer.ThrowIfReadOnly();
        var chunks = entries.Chunk(Chunk).Select(chunk => chunk.Select(e => (RedisValue)Member(e)).ToArray()).ToList();
        writer.RunAll(RedisScripts.ZeroScoreAdd, keys.EventIds, chunks);
    }

    public void Lookup(int firstBucket, int lastBucket, ulong fingerprint, List<long> seqs)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        if (firstBucket > lastBucket)
        {
            return;
        }

        var fp = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(fp, fingerprint);
        var found = (RedisValue[])RedisScripts.LookupIds.Evaluate(db, [keys.EventIds], [Bucket(firstBucket), Bucket(lastBucket), fp])!;
        foreach (var member in found)
        {
            seqs.Add(BinaryPrimitives.ReadInt64BigEndian(((byte[])member!).AsSpan(12)));
        }
    }

    public void DeleteBucketsThrough(int bucket)
    {
        RedisValue end = bucket == int.MaxValue ? "+" : (byte[])[(byte)'(', .. Bucket(bucket + 1)];
        writer.Run(RedisScripts.Single, keys.EventIds, "ZREMRANGEBYLEX", "-", end);
    }

    /// <summary>A bucket with its sign bit flipped, big-endian: negative buckets sort before the others.</summary>
    private static byte[] Bucket(int bucket)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, unchecked((uint)bucket ^ 0x8000_0000u));
        return b;
    }

    private static byte[] Member(Backend.EventIdEntry entry)
    {
        var member = new byte[MemberLength];
        BinaryPrimitives.WriteUInt32BigEndian(member, unchecked((uint)entry.Bucket ^ 0x8000_0000u));
        BinaryPrimitives.WriteUInt64BigEndian(member.AsSpan(4), entry.Fingerprint);
        BinaryPrimitives.WriteInt64BigEndian(member.AsSpan(12), entry.Seq);
        return member;
    }
}
