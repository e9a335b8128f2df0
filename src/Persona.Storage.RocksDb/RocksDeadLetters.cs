using RocksDbSharp;

namespace Persona.Storage.RocksDb;

/// <summary>Dead letters in the <c>deadletter</c> family, under 8-byte big-endian positions.</summary>
internal sealed class RocksDeadLetters(RocksDbSharp.RocksDb db, ColumnFamilyHandle family) : Backend.IDeadLetterStore
{
    public void Scan(bool newestFirst, Backend.LogVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        using var it = db.NewIterator(family);
        if (newestFirst)
        {
            it.SeekToLast();
        }
        else
        {
            it.SeekToFirst();
        }

        while (it.Valid() && visitor(Keys.ReadSeq(it.GetKeySpan()), it.GetValueSpan()))
        {
            if (newestFirst)
            {
                it.Prev();
            }
            else
            {
                it.Next();
            }
        }
    }

    public void DeleteThrough(long through)
    {
        Keys.DeleteSeqsThrough(db, family, through);
    }
}
