using System.Text.Json;
using Persona.Core.Events;
using Persona.Core.Ingest;
using StackExchange.Redis;

namespace Persona.Sources.Redis;

/// <summary>
/// Turns the entries of one read into one batch for <c>IProfileStore.Ingest</c>: the field <c>event</c> holds one
/// canonical event as JSON, the field <c>events</c> NDJSON (or a JSON array). Records are validated by the same
/// <see cref="EventParser"/> as the HTTP ingest; an entry that cannot be read (no such field, not JSON) becomes
/// one rejected record, so the store dead-letters it like any invalid event. Every rejection names its entry.
/// </summary>
internal static class StreamBatch
{
    public const string EventField = "event";
    public const string EventsField = "events";
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>The batch of <paramref name="entries"/>; entries deleted from the stream since they were delivered (no fields) are left out.</summary>
    public static ParsedBatch<BehaviorEvent> Parse(IReadOnlyList<StreamEntry> entries, string stream, EventParser parser)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(parser);
        var records = new List<JsonElement>();
        var owner = new List<int>();
        var unreadable = new List<(int Entry, string Error, string Raw)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Values is not { Length: > 0 })
            {
                continue;
            }

            var (error, raw) = Read(entry, records);
            if (error is not null)
            {
                unreadable.Add((i, error, raw));
            }

            while (owner.Count < records.Count)
            {
                owner.Add(i);
            }
        }

        var parsed = parser.Parse(records);
        var rejected = new List<RecordError>(parsed.Rejected.Count + unreadable.Count);
        var rejectedRaw = new List<string>(rejected.Capacity);
        for (var r = 0; r < parsed.Rejected.Count; r++)
        {
            var error = parsed.Rejected[r];
            rejected.Add(error with { Errors = [Where(stream, entries[owner[error.Index]]), .. error.Errors] });
            rejectedRaw.Add(parsed.RejectedRaw[r]);
        }

        var index = records.Count;
        foreach (var (entry, error, raw) in unreadable)
        {
            rejected.Add(new RecordError(index++, null, [Where(stream, entries[entry]), error]));
            rejectedRaw.Add(raw);
        }

        return new ParsedBatch<BehaviorEvent>(parsed.Accepted, rejected, rejectedRaw);
    }

    private static string Where(string stream, StreamEntry entry) => $"entry: {entry.Id} of stream '{stream}'";

    /// <summary>Adds the entry's records; the reason and the raw text when it has none that can be read.</summary>
    private static (string? Error, string Raw) Read(StreamEntry entry, List<JsonElement> records)
    {
        var many = entry[EventsField];
        var one = entry[EventField];
        if (many.IsNull && one.IsNull)
        {
            var fields = string.Join(", ", entry.Values.Select(v => v.Name.ToString()));
            return ($"entry: no field '{EventField}' or '{EventsField}' (fields: {fields})", Describe(entry));
        }

        byte[] bytes = many.IsNull ? (byte[])one! : (byte[])many!;
        var text = (string?)(many.IsNull ? one : many) ?? string.Empty;
        if (!many.IsNull)
        {
            try
            {
                records.AddRange(JsonRecords.Split(bytes));
                return (null, text);
            }
            catch (MalformedBodyException ex)
            {
                return ($"{EventsField}: {ex.Message.Replace("body: ", string.Empty, StringComparison.Ordinal)}", text);
            }
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes, Options);
            records.Add(doc.RootElement.Clone());
            return (null, text);
        }
        catch (JsonException ex)
        {
            return ($"{EventField}: invalid JSON at byte {ex.BytePositionInLine ?? 0}", text);
        }
    }

    /// <summary>The entry as a JSON object of its fields, for the dead letter.</summary>
    private static string Describe(StreamEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var v in entry.Values)
            {
                writer.WriteString(v.Name.ToString(), v.Value.ToString());
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
