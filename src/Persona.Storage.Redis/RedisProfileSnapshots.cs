using System.Buffers;
using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>
/// Profiles in one hash under their user ids. A checkpoint's profiles go as fenced scripts of at most
/// <see cref="ChunkProfiles"/> profiles or <see cref="ChunkBytes"/> bytes each, all pipelined: no one script
/// holds Redis for long, and the set need not be atomic (each profile records the position it reflects).
/// </summary>
internal sealed class RedisProfileSnapshots(IDatabase db, RedisKeys keys, FencedWriter writer) : Backend.IProfileSnapshotStore
{
    private const int ChunkProfiles = 1_000;
    private const int ChunkBytes = 4 << 20;

    private static readonly ReadOnlySpanAction<byte, List<RedisValue>> Copy = static (bytes, args) => args.Add(bytes.ToArray());

    public byte[]? Read(string userId) => db.HashGet(keys.Profiles, userId);

    public void Write(IReadOnlyList<Backend.IEncodedProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        writer.ThrowIfReadOnly();
        var chunks = new List<RedisValue[]>();
        var args = new List<RedisValue>();
        var bytes = 0L;
        foreach (var profile in profiles)
        {
            args.Add(profile.UserId);
            if (!profile.WriteTo(args, Copy))
            {
                args.RemoveAt(args.Count - 1);
                continue;
            }

            bytes += args[^1].Length() + profile.UserId.Length;
            if (args.Count >= 2 * ChunkProfiles || bytes >= ChunkBytes)
            {
                chunks.Add([.. args]);
                args.Clear();
                bytes = 0;
            }
        }

        if (args.Count > 0)
        {
            chunks.Add([.. args]);
        }

        writer.RunAll(RedisScripts.HashPut, keys.Profiles, chunks);
    }

    public void ScanUserIds(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        foreach (var entry in db.HashScan(keys.Profiles, pageSize: 1_000))
        {
            visitor((byte[])entry.Name!);
        }
    }
}
