using RocksDbSharp;

namespace Persona.Storage.RocksDb;

/// <summary>The log in the <c>events</c> family: 8-byte big-endian positions as keys, so key order is log order.</summary>
internal sealed class RocksEventLog(RocksDbSharp.RocksDb db, ColumnFamilyHandle family) : Backend.IEventLogStore
{
    private long _deletedThrough;

    public long LastSeq
    {
        get
        {
            using var it = db.NewIterator(family);
            it.SeekToLast();
            return it.Valid() ? Keys.ReadSeq(it.GetKeySpan()) : 0;
        }
    }

    public byte[]? Read(long seq)
    {
        Span<byte> key = stackalloc byte[8];
        Keys.Seq(seq, key);
        return db.Get(key, family);
    }

    public void Scan(long from, Backend.LogVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        using var it = db.NewIterator(family);
        for (it.Seek(Keys.Seq(Math.Max(0, from))); it.Valid(); it.Next())
        {
            if (!visitor(Keys.ReadSeq(it.GetKeySpan()), it.GetValueSpan()))
            {
                return;
            }
        }
    }

    public void DeleteThrough(long through)
    {
        Keys.DeleteSeqsThrough(db, family, through);
        Interlocked.Exchange(ref _deletedThrough, Math.Max(_deletedThrough, through));
    }

    /// <summary>Compacts the deleted range only: the rest of the log is left where it is.</summary>
    public void Compact() => db.CompactRange(null, Keys.Seq(Interlocked.Read(ref _deletedThrough) + 1), family);
}
