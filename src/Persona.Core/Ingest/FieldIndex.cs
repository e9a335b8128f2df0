using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Persona.Core.Events;

namespace Persona.Core.Ingest;

/// <summary>
/// The properties of one record at a time, by name, reused from record to record of a batch: the table is
/// cleared rather than allocated again, and (when sharing names) each distinct property name becomes a
/// string once per batch instead of once per record, since a batch's records share their few names. A
/// repeated name: the last one wins.
/// </summary>
internal sealed class FieldIndex
{
    private const int MaxNameLength = 64;
    private const int MaxNames = 256;
    private const int MaxKeptCapacity = 64;
    private readonly Dictionary<string, string>? _names;
    private readonly Dictionary<string, string>? _values;
    private readonly Dictionary<(string?, string?), EventContext>? _contexts;
    private Dictionary<string, JsonElement> _fields = new(16, StringComparer.Ordinal);

    /// <param name="shareNames">Keep each distinct name as one string for the records to come (a batch); false for a single record.</param>
    public FieldIndex(bool shareNames)
    {
        _names = shareNames ? new Dictionary<string, string>(StringComparer.Ordinal) : null;
        _values = shareNames ? new Dictionary<string, string>(StringComparer.Ordinal) : null;
        _contexts = shareNames ? [] : null;
    }

    /// <summary>Indexes the properties of <paramref name="record"/>, an object, replacing the previous record's.</summary>
    public void Load(JsonElement record)
    {
        if (_fields.Count > MaxKeptCapacity)
        {
            _fields = new Dictionary<string, JsonElement>(16, StringComparer.Ordinal); // do not clear a huge table per record
        }
        else
        {
            _fields.Clear();
        }

        if (_names is null)
        {
            foreach (var p in record.EnumerateObject())
            {
                _fields[p.Name] = p.Value;
            }

            return;
        }

        var names = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> chars = stackalloc char[MaxNameLength];
        foreach (var p in record.EnumerateObject())
        {
            // The raw name is valid UTF-8 (the body was checked); escaped names take the decoding path.
            var raw = JsonMarshal.GetRawUtf8PropertyName(p);
            string name;
            if (raw.Length <= MaxNameLength && !raw.Contains((byte)'\\') && Encoding.UTF8.TryGetChars(raw, chars, out var length))
            {
                var span = chars[..length];
                if (!names.TryGetValue(span, out var known))
                {
                    known = new string(span);
                    if (_names.Count < MaxNames)
                    {
                        _names[known] = known;
                    }
                }

                name = known;
            }
            else
            {
                name = p.Name;
            }

            _fields[name] = p.Value;
        }
    }

    public bool TryGet(string name, out JsonElement value) => _fields.TryGetValue(name, out value);

    /// <summary>
    /// A context of these parts; null when all are null. Without a page, one shared instance per (device,
    /// channel) pair for the records to come (up to 256 pairs): records are immutable, and a batch's events
    /// come from a handful of devices and channels.
    /// </summary>
    public EventContext? Context(string? device, string? channel, string? page)
    {
        if (device is null && channel is null && page is null)
        {
            return null;
        }

        if (page is not null || _contexts is null)
        {
            return new EventContext { Device = device, Channel = channel, Page = page };
        }

        if (!_contexts.TryGetValue((device, channel), out var shared))
        {
            shared = new EventContext { Device = device, Channel = channel };
            if (_contexts.Count < MaxNames)
            {
                _contexts[(device, channel)] = shared;
            }
        }

        return shared;
    }

    /// <summary>
    /// The value of <paramref name="value"/>, a JSON string, as one shared string per distinct value (kept for
    /// the records to come, up to 256 of them); null when it is too long, escaped or not valid UTF-8, or the index
    /// does not share names.
    /// </summary>
    public string? Intern(JsonElement value)
    {
        if (_values is null)
        {
            return null;
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        var text = raw.Length >= 2 ? raw[1..^1] : [];
        if (raw.Length < 2 || text.Length > MaxNameLength || text.Contains((byte)'\\') || !System.Text.Unicode.Utf8.IsValid(text))
        {
            return null; // the unshared path reads it (and reports invalid UTF-8 as before)
        }

        Span<char> chars = stackalloc char[MaxNameLength];
        if (!Encoding.UTF8.TryGetChars(text, chars, out var length))
        {
            return null;
        }

        var span = chars[..length];
        var lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(span, out var known))
        {
            return known;
        }

        known = new string(span);
        if (_values.Count < MaxNames)
        {
            _values[known] = known;
        }

        return known;
    }
}
