using System.Buffers.Binary;
using RocksDbSharp;

namespace Persona.Storage.RocksDb;

/// <summary>
/// The deduplication index's part on disk, in the <c>eventids</c> family: 20-byte keys of bucket (4 bytes,
/// sign bit flipped so that byte order is numeric order), fingerprint (8) and position (8), big-endian, with
/// no value. The family has a 12-byte prefix extractor and
/// prefix Bloom filters, so that looking up an absent (bucket, fingerprint) rarely reads a block. Large spills
/// are written as a sorted table file and ingested; small ones through a write batch.
/// </summary>
internal sealed class RocksEventIds(RocksDbSharp.RocksDb db, ColumnFamilyHandle family, ColumnFamilyOptions options, string ingestDirectory) : Backend.IEventIdStore
{
    public const int PrefixLength = 12;
    private const int KeyLength = 20;
    private const int FileFrom = 20_000;
    private readonly ReadOptions _prefixRead = new ReadOptions().SetPrefixSameAsStart(true);

    public void Write(IReadOnlyList<Backend.EventIdEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Span<byte> key = stackalloc byte[KeyLength];
        if (entries.Count < FileFrom)
        {
            using var wb = new WriteBatch();
            foreach (var entry in entries)
            {
                Key(entry, key);
                wb.Put(key, [], family);
            }

            db.Write(wb);
            return;
        }

        Directory.CreateDirectory(ingestDirectory);
        var path = Path.Combine(ingestDirectory, $"eventids-{Guid.NewGuid():N}.sst");
        try
        {
            using (var writer = new SstFileWriter(new EnvOptions(), options))
            {
                writer.Open(path);
                var keyArray = new byte[KeyLength];
                var previous = new byte[KeyLength];
                var first = true;
                foreach (var entry in entries)
                {
                    Key(entry, keyArray);
                    if (!first && keyArray.AsSpan().SequenceCompareTo(previous) <= 0)
                    {
                        continue; // a table file needs strictly ascending keys: a repeated entry is written once
                    }

                    writer.Put(keyArray, []);
                    keyArray.CopyTo(previous, 0);
                    first = false;
                }

                writer.Finish();
            }

            db.IngestExternalFiles([path], new IngestExternalFileOptions().SetMoveFiles(true), family);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public void Lookup(int firstBucket, int lastBucket, ulong fingerprint, List<long> seqs)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        if (firstBucket > lastBucket)
        {
            return;
        }

        Span<byte> prefix = stackalloc byte[PrefixLength];
        BinaryPrimitives.WriteUInt64BigEndian(prefix[4..], fingerprint);
        using var it = db.NewIterator(family, _prefixRead);
        for (var bucket = firstBucket; bucket <= lastBucket; bucket++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(prefix, Ordered(bucket));
            for (it.Seek(prefix); it.Valid(); it.Next())
            {
                var key = it.GetKeySpan();
                if (key.Length != KeyLength || !key.StartsWith(prefix))
                {
                    break;
                }

                seqs.Add(BinaryPrimitives.ReadInt64BigEndian(key[PrefixLength..]));
            }
        }
    }

    public void DeleteBucketsThrough(int bucket)
    {
        var start = new byte[4];
        var end = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(end, Ordered(bucket) + 1);
        using var wb = new WriteBatch();
        wb.DeleteRange(start, (ulong)start.Length, end, (ulong)end.Length, family);
        db.Write(wb);
    }

    /// <summary>A bucket with its sign bit flipped: as unsigned big-endian bytes, negative buckets sort before the others.</summary>
    private static uint Ordered(int bucket) => unchecked((uint)bucket ^ 0x8000_0000u);

    private static void Key(Backend.EventIdEntry entry, Span<byte> key)
    {
        BinaryPrimitives.WriteUInt32BigEndian(key, Ordered(entry.Bucket));
        BinaryPrimitives.WriteUInt64BigEndian(key[4..], entry.Fingerprint);
        BinaryPrimitives.WriteInt64BigEndian(key[PrefixLength..], entry.Seq);
    }
}
