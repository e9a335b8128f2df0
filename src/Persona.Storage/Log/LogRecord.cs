using System.Text.Json;
using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Core.Serialization;

namespace Persona.Storage.Log;

/// <summary>
/// The framing of a log record. An event: <c>[varint position of the same user's previous event][EventCodec
/// encoding]</c>, so a user's history is a chain through the log that needs no second index. A catalog change:
/// <c>[varint 0][0x80][UTF-8 JSON array of items]</c>; it takes its place in the log like an event, so that
/// replay applies each event with the catalog as it was when the event was first applied. An erasure:
/// <c>[varint 0][0x81]</c>, nothing more: it takes the position after the erased user's records (deleted in the
/// same commit), so the log's newest position never goes back, and names no one.
/// </summary>
internal static class LogRecord
{
    /// <summary>The byte after the header that marks a catalog change (an event encoding starts with its version, 1).</summary>
    public const byte ItemsMarker = 0x80;

    /// <summary>The byte after the header that marks an erasure.</summary>
    public const byte ErasureMarker = 0x81;

    public enum Kind
    {
        Event,
        Items,
        Erasure,
    }

    /// <summary>The record of an erasure.</summary>
    public static byte[] Erasure() => [0, ErasureMarker];

    public static void WriteEvent(BinaryWriterBuffer w, long previous, BehaviorEvent e)
    {
        w.WriteVarInt(previous);
        EventCodec.Write(e, w);
    }

    public static byte[] Items(IReadOnlyList<CatalogItem> items)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(items, StoreJson.Options);
        var record = new byte[json.Length + 2];
        record[0] = 0; // varint 0: no previous record
        record[1] = ItemsMarker;
        json.CopyTo(record.AsSpan(2));
        return record;
    }

    /// <summary>The kind of a record, and where its body starts.</summary>
    public static Kind KindOf(ReadOnlySpan<byte> record, out int bodyOffset)
    {
        var r = new BinaryReaderSpan(record);
        _ = r.ReadVarUInt();
        bodyOffset = r.Position;
        return record.Length <= bodyOffset ? Kind.Event : record[bodyOffset] switch
        {
            ItemsMarker => Kind.Items,
            ErasureMarker => Kind.Erasure,
            _ => Kind.Event,
        };
    }

    public static BehaviorEvent ReadEvent(ReadOnlySpan<byte> record, out long previous)
    {
        var r = new BinaryReaderSpan(record);
        previous = r.ReadVarInt();
        return EventCodec.Deserialize(record[r.Position..]);
    }

    public static List<CatalogItem> ReadItems(ReadOnlySpan<byte> record, int bodyOffset) =>
        JsonSerializer.Deserialize<List<CatalogItem>>(record[(bodyOffset + 1)..], StoreJson.Options) ?? [];
}
