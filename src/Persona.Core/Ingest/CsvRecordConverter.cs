using System.Globalization;
using System.Text.Json;

namespace Persona.Core.Ingest;

/// <summary>
/// Turns canonical CSV rows (header = canonical field names; <c>context.X</c> columns fill the context
/// object; <c>tags</c> is <c>|</c>-separated; <c>categoryPath</c> is <c>A&gt;B&gt;C</c> or <c>A/B/C</c>) into JSON
/// objects, so CSV goes through exactly the same validation as JSON.
/// </summary>
public sealed class CsvRecordConverter
{
    private static readonly HashSet<string> Numeric = ["price", "quantity", "rating", "sentiment"];
    private readonly string[] _header;

    public CsvRecordConverter(string headerLine)
    {
        _header = [.. CsvLine.Split(headerLine).Select(h => h.Trim())];
    }

    /// <summary>The row as a UTF-8 JSON object (empty cells are left out).</summary>
    public byte[] Convert(string line)
    {
        var cells = CsvLine.Split(line);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            var context = new List<(string, string)>();
            for (var i = 0; i < _header.Length && i < cells.Count; i++)
            {
                var (name, value) = (_header[i], cells[i]);
                if (value.Length == 0)
                {
                    continue;
                }

                if (name.StartsWith("context.", StringComparison.Ordinal))
                {
                    context.Add((name[8..], value));
                }
                else if (name == "tags")
                {
                    w.WriteStartArray(name);
                    foreach (var tag in value.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        w.WriteStringValue(tag);
                    }

                    w.WriteEndArray();
                }
                else if ((Numeric.Contains(name) || (name == "timestamp" && value.All(char.IsAsciiDigit)))
                    && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    w.WritePropertyName(name);
                    w.WriteRawValue(value);
                }
                else
                {
                    w.WriteString(name, value);
                }
            }

            if (context.Count > 0)
            {
                w.WriteStartObject("context");
                foreach (var (k, v) in context)
                {
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return stream.ToArray();
    }
}
