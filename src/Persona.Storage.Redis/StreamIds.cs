using System.Buffers.Binary;
using System.Globalization;
using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>Log positions as stream entry ids (<c>SEQ-0</c>) and as 8-byte big-endian prefixes of sorted set members.</summary>
internal static class StreamIds
{
    public static RedisValue Of(long seq) => seq.ToString(CultureInfo.InvariantCulture) + "-0";

    public static long SeqOf(RedisValue id)
    {
        var s = (string)id!;
        return long.Parse(s.AsSpan(0, s.IndexOf('-', StringComparison.Ordinal)), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>A member of a position-scored sorted set: the position, big-endian, then the record.</summary>
    public static byte[] Member(long seq, ReadOnlySpan<byte> record)
    {
        var member = new byte[8 + record.Length];
        BinaryPrimitives.WriteInt64BigEndian(member, seq);
        record.CopyTo(member.AsSpan(8));
        return member;
    }
}
