using System.Buffers.Binary;
using System.Text;

namespace Persona.Core.Serialization;

/// <summary>Reads what <see cref="BinaryWriterBuffer"/> wrote; throws <see cref="FormatException"/> on truncated input.</summary>
public ref struct BinaryReaderSpan
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public BinaryReaderSpan(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly bool End => _pos >= _data.Length;

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _data.Length - _pos;

    /// <summary>Bytes read so far.</summary>
    public readonly int Position => _pos;

    public byte ReadByte()
    {
        Need(1);
        return _data[_pos++];
    }

    public ulong ReadVarUInt()
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            Need(1);
            var b = _data[_pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return result;
            }

            shift += 7;
            if (shift > 63)
            {
                throw new FormatException("varint too long");
            }
        }
    }

    public long ReadVarInt()
    {
        var v = ReadVarUInt();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    public int ReadCount(int max)
    {
        var n = ReadVarUInt();
        return n > (ulong)max ? throw new FormatException($"count {n} exceeds {max}") : (int)n;
    }

    public double ReadDouble()
    {
        Need(8);
        var v = BinaryPrimitives.ReadDoubleLittleEndian(_data[_pos..]);
        _pos += 8;
        return v;
    }

    public ulong ReadUInt64()
    {
        Need(8);
        var v = BinaryPrimitives.ReadUInt64LittleEndian(_data[_pos..]);
        _pos += 8;
        return v;
    }

    /// <summary>Reads a string's UTF-8 bytes without decoding them; empty for a null string.</summary>
    public ReadOnlySpan<byte> ReadStringBytes()
    {
        var n = ReadVarUInt();
        if (n == 0)
        {
            return [];
        }

        var len = (int)(n - 1);
        Need(len);
        var bytes = _data.Slice(_pos, len);
        _pos += len;
        return bytes;
    }

    public string? ReadString()
    {
        var n = ReadVarUInt();
        if (n == 0)
        {
            return null;
        }

        var len = (int)(n - 1);
        Need(len);
        var s = Encoding.UTF8.GetString(_data.Slice(_pos, len));
        _pos += len;
        return s;
    }

    private readonly void Need(int n)
    {
        if (_pos + n > _data.Length)
        {
            throw new FormatException("unexpected end of data");
        }
    }
}
