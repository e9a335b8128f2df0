using System.Text;
using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>The protocol's metadata in one hash; a prefix scan reads the hash and orders the matching keys by their UTF-8 bytes.</summary>
internal sealed class RedisMeta(IDatabase db, RedisKeys keys) : Backend.IMetaStore
{
    public byte[]? Read(string key) => db.HashGet(keys.Meta, key);

    public void Scan(string prefix, Backend.MetaVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(visitor);
        var start = Encoding.UTF8.GetBytes(prefix);
        var matching = db.HashGetAll(keys.Meta)
            .Select(e => (Key: (byte[])e.Name!, Value: (byte[])e.Value!))
            .Where(e => e.Key.AsSpan().StartsWith(start))
            .ToList();
        matching.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        foreach (var (key, value) in matching)
        {
            if (!visitor(Encoding.UTF8.GetString(key), value))
            {
                return;
            }
        }
    }
}
