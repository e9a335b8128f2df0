using Persona.Core.Catalog;
using Persona.Core.Events;

namespace Persona.Storage.Log;

/// <summary>
/// Decodes a raw log record for a reader outside the store (a cluster silo following a partition's log from
/// the backend): an event, or a catalog change with its items.
/// </summary>
public static class LogRecordReader
{
    /// <summary>The event in <paramref name="record"/>, or null when the record is a catalog change or an erasure.</summary>
    public static BehaviorEvent? ReadEvent(ReadOnlySpan<byte> record) =>
        LogRecord.KindOf(record, out _) == LogRecord.Kind.Event ? LogRecord.ReadEvent(record, out _) : null;

    /// <summary>The items of a catalog change, or null when the record is an event.</summary>
    public static IReadOnlyList<CatalogItem>? ReadItems(ReadOnlySpan<byte> record) =>
        LogRecord.KindOf(record, out var body) == LogRecord.Kind.Items ? LogRecord.ReadItems(record, body) : null;
}
