using System.Globalization;
using System.Text.Json;

namespace Persona.Core.Ingest;

/// <summary>Reads typed fields from one JSON record, collecting one "field: rule" message per problem.</summary>
internal sealed class FieldReader
{
    public const int MaxIdLength = 256;
    public const int MaxTextLength = 4096;

    private readonly JsonElement _record;
    private readonly FieldIndex? _fields;

    /// <summary>Reads one record; with <paramref name="index"/> its properties are looked up in that (reused) table.</summary>
    public FieldReader(JsonElement record, FieldIndex? index = null)
    {
        _record = record;
        if (index is not null && record.ValueKind == JsonValueKind.Object)
        {
            index.Load(record);
            _fields = index;
        }
    }

    private List<string>? _errors;

    /// <summary>One "field: rule" message per problem (created on the first, so a valid record allocates no list).</summary>
    public List<string> Errors => _errors ??= [];

    public bool HasErrors => _errors is { Count: > 0 };

    public bool IsObject => _record.ValueKind == JsonValueKind.Object;

    public bool Has(string name) => Get(name) is not null;

    public JsonElement? Get(string name)
    {
        if (_fields is not null)
        {
            return _fields.TryGet(name, out var f) && f.ValueKind != JsonValueKind.Null ? f : null;
        }

        return _record.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
    }

    /// <summary>An identifier: a non-empty string (or an integer, taken as its text) of at most 256 characters.</summary>
    public string? Id(string name, bool required)
    {
        if (Get(name) is not { } v)
        {
            if (required)
            {
                Errors.Add($"{name}: missing");
            }

            return null;
        }

        string? s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number when v.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (s is null)
        {
            Errors.Add($"{name}: must be a string, not {Kind(v)}");
            return null;
        }

        s = Ids.Normalize(s);
        if (s.Length == 0)
        {
            Errors.Add($"{name}: must not be empty");
            return null;
        }

        if (s.Length > MaxIdLength)
        {
            Errors.Add($"{name}: longer than {MaxIdLength} characters");
            return null;
        }

        return s;
    }

    /// <summary>
    /// A string of at most <paramref name="maxLength"/> characters. With <paramref name="values"/>, a value is
    /// taken from (or added to) that table, for fields with few distinct values (a type, a device): a batch
    /// then holds one string per distinct value instead of one per record.
    /// </summary>
    public string? Text(string name, int maxLength = MaxTextLength, FieldIndex? values = null)
    {
        if (Get(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            Errors.Add($"{name}: must be a string, not {Kind(v)}");
            return null;
        }

        var s = values?.Intern(v) ?? v.GetString()!;
        if (s.Length > maxLength)
        {
            Errors.Add($"{name}: longer than {maxLength} characters");
            return null;
        }

        return s;
    }

    public double? Number(string name, double min, double max)
    {
        if (Get(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number)
        {
            Errors.Add($"{name}: must be a number, not {Kind(v)}");
            return null;
        }

        if (!v.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            Errors.Add($"{name}: {Raw(v)} is not a finite number");
            return null;
        }

        if (d < min || d > max)
        {
            Errors.Add($"{name}: {Raw(v)} is outside {Fmt(min)}..{Fmt(max)}");
            return null;
        }

        return d;
    }

    public int? Integer(string name, int min, int max)
    {
        if (Get(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number)
        {
            Errors.Add($"{name}: must be an integer, not {Kind(v)}");
            return null;
        }

        if (!v.TryGetDouble(out var d) || !double.IsFinite(d) || d != Math.Floor(d))
        {
            Errors.Add($"{name}: {Raw(v)} is not an integer");
            return null;
        }

        if (d < min || d > max)
        {
            Errors.Add($"{name}: {Raw(v)} is outside {min}..{max}");
            return null;
        }

        return (int)d;
    }

    public bool? Bool(string name)
    {
        if (Get(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Errors.Add($"{name}: must be true or false, not {Kind(v)}");
            return null;
        }

        return v.GetBoolean();
    }

    /// <summary>A time: an ISO-8601 string or integer Unix milliseconds, between 1970 and the clock plus one day.</summary>
    public long? Time(string name, bool required, long nowMs)
    {
        if (Get(name) is not { } v)
        {
            if (required)
            {
                Errors.Add($"{name}: missing");
            }

            return null;
        }

        long ms;
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (!v.TryGetInt64(out ms))
            {
                Errors.Add($"{name}: {Raw(v)} is not an integer of epoch milliseconds");
                return null;
            }
        }
        else if (v.ValueKind == JsonValueKind.String)
        {
            if (!DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var dto))
            {
                Errors.Add($"{name}: '{Clip(v.GetString()!)}' is not an ISO-8601 time");
                return null;
            }

            ms = dto.ToUnixTimeMilliseconds();
        }
        else
        {
            Errors.Add($"{name}: must be an ISO-8601 string or epoch milliseconds, not {Kind(v)}");
            return null;
        }

        if (ms < 0)
        {
            Errors.Add($"{name}: {ms} is before 1970-01-01");
            return null;
        }

        if (ms > nowMs + 86_400_000L)
        {
            Errors.Add($"{name}: {DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(ms, 253_402_300_799_000L)):O} is more than a day in the future");
            return null;
        }

        return ms;
    }

    public IReadOnlyList<string>? StringList(string name, int maxItems)
    {
        if (Get(name) is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            Errors.Add($"{name}: must be an array of strings, not {Kind(v)}");
            return null;
        }

        var list = new List<string>();
        foreach (var e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String || e.GetString() is not { Length: > 0 and <= MaxIdLength } s)
            {
                Errors.Add($"{name}: every element must be a non-empty string of at most {MaxIdLength} characters");
                return null;
            }

            list.Add(s);
        }

        if (list.Count > maxItems)
        {
            Errors.Add($"{name}: more than {maxItems} elements");
            return null;
        }

        return list;
    }

    /// <summary>An object of scalar values, as strings.</summary>
    public Dictionary<string, string>? StringMap(JsonElement v, string name, IReadOnlySet<string>? skip = null)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            if (skip?.Contains(p.Name) == true)
            {
                continue;
            }

            string? s = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => null,
            };
            if (s is null || s.Length > MaxIdLength || p.Name.Length > MaxIdLength)
            {
                Errors.Add($"{name}.{Clip(p.Name)}: must be a string, number or boolean of at most {MaxIdLength} characters");
                return null;
            }

            map[p.Name] = s;
        }

        if (map.Count > 64)
        {
            Errors.Add($"{name}: more than 64 entries");
            return null;
        }

        return map;
    }

    public static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Raw(JsonElement v) => Clip(v.GetRawText());

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static string Fmt(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);
}
