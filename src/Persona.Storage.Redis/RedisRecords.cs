using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>Catalog items and user records as JSON in two hashes under their ids.</summary>
internal sealed class RedisRecords(IDatabase db, RedisKeys keys) : Backend.IRecordStore
{
    public void ScanItems(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        foreach (var entry in db.HashScan(keys.Items, pageSize: 1_000))
        {
            visitor((byte[])entry.Value!);
        }
    }

    public void ScanUsers(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        foreach (var entry in db.HashScan(keys.Users, pageSize: 1_000))
        {
            visitor((byte[])entry.Value!);
        }
    }

    public byte[]? ReadUser(string userId) => db.HashGet(keys.Users, userId);
}
