using System.Buffers.Binary;
using System.Text;

namespace Persona.Storage.RocksDb;

/// <summary>Key encodings: big-endian sequence numbers sort in log order.</summary>
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
}
