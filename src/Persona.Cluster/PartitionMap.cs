using System.IO.Hashing;
using System.Text;

namespace Persona.Cluster;

/// <summary>
/// Which partition owns a user: a stable hash of the UTF-8 user id (XxHash32, the same on every silo and
/// every run) modulo the partition count. A user's events all land in one partition's log, in order.
/// </summary>
public sealed class PartitionMap(int count)
{
    public int Count { get; } = count > 0 ? count : throw new ArgumentOutOfRangeException(nameof(count), "at least one partition");

    public int Of(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        // Ids of up to 85 characters fit the stack buffer whatever they hold (UTF-8 takes at most 3 bytes per UTF-16 unit).
        Span<byte> buffer = stackalloc byte[256];
        var bytes = userId.Length <= buffer.Length / 3 ? buffer[..Encoding.UTF8.GetBytes(userId, buffer)] : Encoding.UTF8.GetBytes(userId);
        return (int)(XxHash32.HashToUInt32(bytes) % (uint)Count);
    }
}
