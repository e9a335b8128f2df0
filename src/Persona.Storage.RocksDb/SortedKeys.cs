using System.Buffers.Binary;
using System.Text;

namespace Persona.Storage.RocksDb;

/// <summary>
/// The UTF-8 keys of cached profiles' users, back to back in one array, and the profiles' indexes in
/// ascending bytewise key order (the order table files require).
/// </summary>
internal sealed class SortedKeys
{
    private readonly byte[] _bytes;
    private readonly int[] _starts;

    private SortedKeys(byte[] bytes, int[] starts, int[] order)
    {
        _bytes = bytes;
        _starts = starts;
        Order = order;
    }

    /// <summary>Indexes into the entries, in ascending key order.</summary>
    public int[] Order { get; }

    /// <summary>The key of entry <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Key(int index) => _bytes.AsSpan(_starts[index], _starts[index + 1] - _starts[index]);

    public static SortedKeys Of(IReadOnlyList<Backend.IEncodedProfile> entries)
    {
        var n = entries.Count;
        var bytes = new byte[Math.Max(16, n * 16)];
        var starts = new int[n + 1];
        var prefixes = new ulong[n];
        var order = new int[n];
        Span<byte> head = stackalloc byte[8];
        for (var j = 0; j < n; j++)
        {
            var userId = entries[j].UserId;
            var used = starts[j];
            var max = Encoding.UTF8.GetMaxByteCount(userId.Length);
            if (used + max > bytes.Length)
            {
                Array.Resize(ref bytes, Math.Max(bytes.Length * 2, used + max));
            }

            var length = Encoding.UTF8.GetBytes(userId, bytes.AsSpan(used));
            head.Clear();
            bytes.AsSpan(used, Math.Min(8, length)).CopyTo(head);
            prefixes[j] = BinaryPrimitives.ReadUInt64BigEndian(head);
            order[j] = j;
            starts[j + 1] = used + length;
        }

        // By the first eight bytes (zero-padded, which sorts a key before its extensions), then runs that
        // share them by the whole key.
        var keys = new SortedKeys(bytes, starts, order);
        Array.Sort(prefixes, order);
        var comparer = Comparer<int>.Create((a, b) => keys.Key(a).SequenceCompareTo(keys.Key(b)));
        for (var i = 0; i < n;)
        {
            var k = i + 1;
            while (k < n && prefixes[k] == prefixes[i])
            {
                k++;
            }

            if (k - i > 1)
            {
                Array.Sort(order, i, k - i, comparer);
            }

            i = k;
        }

        return keys;
    }
}
