using System.Buffers.Binary;
using System.Text;

namespace Persona.Storage.RocksDb;

/// <summary>Key encodings: big-endian sequence numbers sort in log order; user keys are length-prefixed.</summary>
internal static class Keys
{
    public static byte[] Seq(long seq)
    {
        var k = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(k, seq);
        return k;
    }

    public static long ReadSeq(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt64BigEndian(key);

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>[2-byte length][user id][8-byte seq]: all of a user's events share the prefix.</summary>
    public static byte[] UserEvent(string userId, long seq)
    {
        var prefix = UserPrefix(userId);
        var k = new byte[prefix.Length + 8];
        prefix.CopyTo(k, 0);
        BinaryPrimitives.WriteInt64BigEndian(k.AsSpan(prefix.Length), seq);
        return k;
    }

    public static byte[] UserPrefix(string userId)
    {
        var n = Encoding.UTF8.GetByteCount(userId);
        var k = new byte[2 + n];
        BinaryPrimitives.WriteUInt16BigEndian(k, (ushort)n);
        Encoding.UTF8.GetBytes(userId, k.AsSpan(2));
        return k;
    }
}
