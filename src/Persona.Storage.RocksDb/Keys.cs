using System.Buffers.Binary;
using System.Text;
using RocksDbSharp;

namespace Persona.Storage.RocksDb;

/// <summary>Key encodings: big-endian sequence numbers sort in log order.</summary>
internal static class Keys
{
    public static byte[] Seq(long seq)
    {
        var k = new byte[8];
        Seq(seq, k);
        return k;
    }

    /// <summary>Writes the 8-byte key of a log position into <paramref name="destination"/>.</summary>
    public static void Seq(long seq, Span<byte> destination) => BinaryPrimitives.WriteInt64BigEndian(destination, seq);

    public static long ReadSeq(ReadOnlySpan<byte> key) => BinaryPrimitives.ReadInt64BigEndian(key);

    /// <summary>Deletes every position up to and including <paramref name="through"/> from a family keyed by positions.</summary>
    public static void DeleteSeqsThrough(RocksDbSharp.RocksDb db, ColumnFamilyHandle family, long through)
    {
        using var wb = new WriteBatch();
        var start = Seq(0);
        var end = Seq(through + 1);
        wb.DeleteRange(start, (ulong)start.Length, end, (ulong)end.Length, family);
        db.Write(wb);
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>The UTF-8 key of <paramref name="s"/> in <paramref name="buffer"/>, which is replaced by a larger one when too small.</summary>
    public static ReadOnlySpan<byte> Utf8(string s, ref byte[] buffer)
    {
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (max > buffer.Length)
        {
            buffer = new byte[max];
        }

        return buffer.AsSpan(0, Encoding.UTF8.GetBytes(s, buffer));
    }
}
