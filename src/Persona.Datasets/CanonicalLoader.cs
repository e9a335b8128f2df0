using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Serialization;
using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Core.Ingest;

namespace Persona.Datasets;

/// <summary>
/// Canonical events and catalog items (the schema of docs/EVENTS.md) from NDJSON (<c>.ndjson</c>,
/// <c>.jsonl</c>, <c>.json</c>), CSV (header = field names, <c>context.X</c> columns) or Parquet (columns =
/// field names; lists, structs and timestamps map to JSON arrays, objects and ISO-8601). Every record goes
/// through the same parser and validation as the HTTP API. A folder holds <c>events.*</c> and optionally
/// <c>catalog.*</c> (the layout <c>persona generate</c> writes).
/// </summary>
public static class CanonicalLoader
{
    private static readonly string[] Extensions = [".ndjson", ".jsonl", ".json", ".csv", ".parquet"];

    /// <summary>
    /// The records of one file, streamed (memory bounded by one line, or one Parquet row group);
    /// <paramref name="progress"/> receives the share of the file read so far.
    /// </summary>
    public static IEnumerable<CanonicalRecord> ReadRecords(string file, Action<double>? progress = null)
    {
        var extension = Path.GetExtension(file).ToLowerInvariant();
        return extension switch
        {
            ".parquet" => ReadParquet(file, progress),
            ".csv" => ReadLines(file, csv: true, progress),
            _ => ReadLines(file, csv: false, progress),
        };
    }

    /// <summary>
    /// Streams the events of a canonical file or folder. A record that fails validation stops the read
    /// with its position and the broken rules (evaluation must not run on silently filtered data).
    /// </summary>
    public static IEnumerable<BehaviorEvent> Read(string path, EventTypes? types = null)
    {
        var file = Resolve(path, "events") ?? throw new LoaderException($"{path}: no events.(ndjson|jsonl|json|csv|parquet) file");
        var parser = new EventParser(types ?? new EventTypes(), TimeProvider.System);
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var record in ReadRecords(file))
        {
            var element = Element(file, record);
            var (e, error) = parser.ParseOne(element, 0, now);
            if (error is not null)
            {
                throw new LoaderException($"{Path.GetFileName(file)}:{record.Position}: {string.Join("; ", error.Errors)}");
            }

            yield return e!;
        }
    }

    /// <summary>The catalog beside the events (<c>catalog.*</c> in a folder), or none.</summary>
    public static IReadOnlyList<CatalogItem> ReadCatalog(string path)
    {
        if (!Directory.Exists(path) || Resolve(path, "catalog") is not { } file)
        {
            return [];
        }

        var items = new List<CatalogItem>();
        foreach (var record in ReadRecords(file))
        {
            var batch = ItemParser.Parse([Element(file, record)]);
            if (batch.Rejected.Count > 0)
            {
                throw new LoaderException($"{Path.GetFileName(file)}:{record.Position}: {string.Join("; ", batch.Rejected[0].Errors)}");
            }

            items.Add(batch.Accepted[0].Record);
        }

        return items;
    }

    public static EventDataset Load(string path) => new() { Name = "canonical", Events = [.. Read(path)], Catalog = ReadCatalog(path) };

    private static JsonElement Element(string file, CanonicalRecord record)
    {
        if (record.Error is not null)
        {
            throw new LoaderException($"{Path.GetFileName(file)}:{record.Position}: {record.Error}");
        }

        try
        {
            using var doc = JsonDocument.Parse(record.Json);
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new LoaderException($"{Path.GetFileName(file)}:{record.Position}: invalid JSON: {ex.Message}");
        }
    }

    private static string? Resolve(string path, string stem)
    {
        if (File.Exists(path))
        {
            return stem == "events" ? path : null;
        }

        return Extensions.Select(e => Path.Combine(path, stem + e)).FirstOrDefault(File.Exists);
    }

    private static IEnumerable<CanonicalRecord> ReadLines(string file, bool csv, Action<double>? progress)
    {
        using var stream = File.OpenRead(file);
        var length = Math.Max(1, stream.Length);
        CsvRecordConverter? converter = null;
        long n = 0;
        foreach (var line in ByteLines(stream))
        {
            n++;
            if (progress is not null && (n & 1023) == 0)
            {
                progress((double)stream.Position / length);
            }

            var bytes = line.AsSpan().TrimEnd("\r"u8);
            if (n == 1 && bytes.StartsWith("\uFEFF"u8))
            {
                bytes = bytes[3..]; // byte order mark
            }

            if (bytes.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            if (!System.Text.Unicode.Utf8.IsValid(bytes))
            {
                yield return new CanonicalRecord(n, null, "invalid UTF-8");
                continue;
            }

            if (!csv)
            {
                yield return new CanonicalRecord(n, bytes.ToArray(), null);
            }
            else if (converter is null)
            {
                converter = new CsvRecordConverter(Encoding.UTF8.GetString(bytes));
            }
            else
            {
                yield return new CanonicalRecord(n, converter.Convert(Encoding.UTF8.GetString(bytes)), null);
            }
        }
    }

    /// <summary>The lines of a stream as bytes (without the newline), so that each is checked for UTF-8 alone.</summary>
    private static IEnumerable<byte[]> ByteLines(Stream stream)
    {
        var buffer = new byte[1 << 16];
        var pending = new List<byte>();
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', start, read - start)) >= 0)
            {
                if (pending.Count == 0)
                {
                    yield return buffer[start..newline];
                }
                else
                {
                    pending.AddRange(buffer.AsSpan(start, newline - start));
                    yield return [.. pending];
                    pending.Clear();
                }

                start = newline + 1;
            }

            pending.AddRange(buffer.AsSpan(start, read - start));
        }

        if (pending.Count > 0)
        {
            yield return [.. pending];
        }
    }

    private static IEnumerable<CanonicalRecord> ReadParquet(string file, Action<double>? progress)
    {
        using var stream = File.OpenRead(file);
        int groups;
        try
        {
            var reader = ParquetReader.CreateAsync(stream, leaveStreamOpen: true).GetAwaiter().GetResult();
            groups = reader.RowGroupCount;
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new LoaderException($"{Path.GetFileName(file)}: not a readable Parquet file: {ex.Message}");
        }

        long row = 0;
        for (var g = 0; g < groups; g++)
        {
            stream.Position = 0;
            var group = ParquetSerializer.DeserializeUntypedAsync(stream, null, g).GetAwaiter().GetResult();
            foreach (var record in group.Data)
            {
                row++;
                yield return new CanonicalRecord(row, ToJson(record), null);
            }

            progress?.Invoke((double)(g + 1) / groups);
        }
    }

    /// <summary>A Parquet row as a JSON object; null values are left out.</summary>
    internal static byte[] ToJson(IEnumerable<KeyValuePair<string, object>> row)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            WriteObject(w, row);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteObject(Utf8JsonWriter w, IEnumerable<KeyValuePair<string, object>> fields)
    {
        w.WriteStartObject();
        List<(string Key, object? Value)>? context = null;
        foreach (var (key, value) in fields)
        {
            if (value is null)
            {
                continue;
            }

            if (key.StartsWith("context.", StringComparison.Ordinal))
            {
                (context ??= []).Add((key[8..], value));
                continue;
            }

            w.WritePropertyName(key);
            WriteValue(w, value);
        }

        if (context is not null)
        {
            w.WriteStartObject("context");
            foreach (var (key, value) in context)
            {
                w.WritePropertyName(key);
                WriteValue(w, value);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case ReadOnlyMemory<char> m:
                w.WriteStringValue(m.Span);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case DateTime t:
                w.WriteStringValue((t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime()).ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset t:
                w.WriteStringValue(t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                break;
            case byte[] bytes:
                w.WriteStringValue(Encoding.UTF8.GetString(bytes));
                break;
            case float or double or decimal:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsFinite(d))
                {
                    w.WriteNumberValue(d);
                }
                else
                {
                    w.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); // the parser rejects it with the field's name
                }

                break;
            case sbyte or byte or short or ushort or int or uint or long:
                w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                w.WriteNumberValue(u);
                break;
            case IEnumerable<KeyValuePair<string, object>> map:
                WriteObject(w, map);
                break;
            case IEnumerable list:
                w.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
