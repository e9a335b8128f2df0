using System.Text;
using RocksDbSharp;

namespace Persona.Storage.RocksDb;

/// <summary>The protocol's metadata in the <c>meta</c> family, under UTF-8 keys.</summary>
internal sealed class RocksMeta(RocksDbSharp.RocksDb db, ColumnFamilyHandle family) : Backend.IMetaStore
{
    public byte[]? Read(string key) => db.Get(Encoding.UTF8.GetBytes(key), family);

    public void Scan(string prefix, Backend.MetaVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var start = Encoding.UTF8.GetBytes(prefix);
        using var it = db.NewIterator(family);
        for (it.Seek(start); it.Valid() && it.GetKeySpan().StartsWith(start); it.Next())
        {
            if (!visitor(Encoding.UTF8.GetString(it.GetKeySpan()), it.GetValueSpan()))
            {
                return;
            }
        }
    }
}
