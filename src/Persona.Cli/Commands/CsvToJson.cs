using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Persona.Cli.Commands;

/// <summary>
/// Turns canonical CSV rows (header = canonical field names; <c>context.X</c> columns fill the context
/// object) into JSON objects, so CSV goes through exactly the same validation as JSON.
/// </summary>
internal sealed class CsvToJson
{
    private static readonly HashSet<string> Numeric = ["price", "quantity", "rating"];
    private readonly string[] _header;

    public CsvToJson(string headerLine)
    {
        _header = [.. Split(headerLine).Select(h => h.Trim())];
    }

    public byte[] Convert(string line)
    {
        var cells = Split(line);
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

    /// <summary>RFC 4180 fields of one line (quotes, doubled quotes inside).</summary>
    public static List<string> Split(string line)
    {
        var cells = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        cells.Add(sb.ToString());
        return cells;
    }
}
