using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Persona.Recommend.Feedback;

namespace Persona.Serving.Recommendations;

/// <summary>
/// One impression in the binary impression log: a 4-byte little-endian length, then the record. Strings are a
/// 4-byte length (−1 for null) and UTF-8; the time is 8 bytes; the items are a count and their ids; the features
/// are a count of rows (−1 for none), then per row a count of values (−1 for an unscored item) and the values as
/// 4-byte floats. The features of an answer (twenty rows of eight) are copied as they are, not formatted as text,
/// so that logging an answer costs the serving cores little.
/// </summary>
internal static class ImpressionRecord
{
    /// <summary>Appends <paramref name="impression"/>'s record to <paramref name="into"/>, without the length that precedes it in the file.</summary>
    public static void Write(Impression impression, ArrayBufferWriter<byte> into)
    {
        ArgumentNullException.ThrowIfNull(impression);
        ArgumentNullException.ThrowIfNull(into);
        String(into, impression.RecommendationId);
        String(into, impression.UserId);
        String(into, impression.Model);
        String(into, impression.Experiment);
        String(into, impression.Variant);
        BinaryPrimitives.WriteInt64LittleEndian(into.GetSpan(8), impression.AtMs);
        into.Advance(8);
        Int32(into, impression.Items.Count);
        foreach (var item in impression.Items)
        {
            String(into, item);
        }

        var features = impression.Features;
        Int32(into, features?.Count ?? -1);
        foreach (var row in features ?? [])
        {
            Int32(into, row?.Length ?? -1);
            if (row is not null)
            {
                var bytes = into.GetSpan(row.Length * sizeof(float));
                for (var i = 0; i < row.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes[(i * sizeof(float))..], row[i]);
                }

                into.Advance(row.Length * sizeof(float));
            }
        }
    }

    /// <summary>
    /// The impressions of a binary log file, in order. Reading stops at a record that does not fit in the file or
    /// does not decode: the torn last record of a crash.
    /// </summary>
    public static IEnumerable<Impression> ReadAll(string path)
    {
        byte[] bytes;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            bytes = new byte[file.Length];
            file.ReadExactly(bytes);
        }

        var offset = 0;
        while (offset + sizeof(int) <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            if (length < 0 || length > bytes.Length - offset - sizeof(int))
            {
                yield break;
            }

            var record = new Reader(bytes, offset + sizeof(int), length);
            offset += sizeof(int) + length;
            if (record.TryRead() is not { } impression)
            {
                yield break;
            }

            yield return impression;
        }
    }

    private static void Int32(ArrayBufferWriter<byte> into, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(into.GetSpan(sizeof(int)), value);
        into.Advance(sizeof(int));
    }

    private static void String(ArrayBufferWriter<byte> into, string? value)
    {
        if (value is null)
        {
            Int32(into, -1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        Int32(into, length);
        Encoding.UTF8.GetBytes(value, into.GetSpan(length));
        into.Advance(length);
    }

    /// <summary>Decodes one record; null where it is cut short or malformed.</summary>
    private sealed class Reader(byte[] bytes, int offset, int length)
    {
        private readonly int _end = offset + length;
        private int _at = offset;

        public Impression? TryRead()
        {
            if (!TryString(out var id) || id is null || !TryString(out var user) || user is null || !TryString(out var model) || model is null
                || !TryString(out var experiment) || !TryString(out var variant) || !TryInt64(out var atMs) || !TryInt32(out var count) || count < 0)
            {
                return null;
            }

            var items = new string[count];
            for (var i = 0; i < count; i++)
            {
                if (!TryString(out var item) || item is null)
                {
                    return null;
                }

                items[i] = item;
            }

            if (!TryInt32(out var rows) || !TryFeatures(rows, out var features))
            {
                return null;
            }

            return new Impression(id, user, model, experiment, variant, items, atMs) { Features = features };
        }

        private bool TryFeatures(int rows, out float[]?[]? features)
        {
            features = null;
            if (rows < 0)
            {
                return rows == -1;
            }

            features = new float[]?[rows];
            for (var p = 0; p < rows; p++)
            {
                if (!TryInt32(out var width) || width < -1 || (width > 0 && _end - _at < width * sizeof(float)))
                {
                    return false;
                }

                if (width < 0)
                {
                    continue;
                }

                var row = new float[width];
                for (var i = 0; i < width; i++)
                {
                    row[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(_at));
                    _at += sizeof(float);
                }

                features[p] = row;
            }

            return true;
        }

        private bool TryInt32(out int value)
        {
            value = 0;
            if (_end - _at < sizeof(int))
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(_at));
            _at += sizeof(int);
            return true;
        }

        private bool TryInt64(out long value)
        {
            value = 0;
            if (_end - _at < sizeof(long))
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(_at));
            _at += sizeof(long);
            return true;
        }

        private bool TryString(out string? value)
        {
            value = null;
            if (!TryInt32(out var length) || length < -1 || length > _end - _at)
            {
                return false;
            }

            if (length >= 0)
            {
                value = Encoding.UTF8.GetString(bytes, _at, length);
                _at += length;
            }

            return true;
        }
    }
}
