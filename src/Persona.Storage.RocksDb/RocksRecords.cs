using System.Text;
using RocksDbSharp;

namespace Persona.Storage.RocksDb;

/// <summary>Catalog items and user records as JSON under their UTF-8 ids, in the <c>items</c> and <c>users</c> families.</summary>
internal sealed class RocksRecords(RocksDbSharp.RocksDb db, ColumnFamilyHandle items, ColumnFamilyHandle users) : Backend.IRecordStore
{
    public void ScanItems(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        using var it = db.NewIterator(items);
        for (it.SeekToFirst(); it.Valid(); it.Next())
        {
            visitor(it.GetValueSpan());
        }
    }

    public void ScanUsers(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        using var it = db.NewIterator(users);
        for (it.SeekToFirst(); it.Valid(); it.Next())
        {
            visitor(it.GetValueSpan());
        }
    }

    public byte[]? ReadUser(string userId) => db.Get(Encoding.UTF8.GetBytes(userId), users);
}
