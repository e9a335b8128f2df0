using System.Text.Json;
using Persona.Core.Catalog;

namespace Persona.Core.Ingest;

/// <summary>Validates optional user records (schema in docs/EVENTS.md).</summary>
public static class UserParser
{
    /// <summary>Most consent flags one user record may carry.</summary>
    public const int MaxConsentFlags = 32;

    /// <summary>Longest consent flag name.</summary>
    public const int MaxConsentName = 64;

    public static ParsedBatch<UserRecord> ParseBody(ReadOnlyMemory<byte> body, long nowMs) => JsonRecords.WithRecords(body, records => Parse(records, nowMs));

    public static ParsedBatch<UserRecord> Parse(IReadOnlyList<JsonElement> records, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(records);
        var accepted = new List<(int, UserRecord)>();
        var rejected = new List<RecordError>();
        var raw = new List<string>();
        for (var i = 0; i < records.Count; i++)
        {
            try
            {
                var f = new FieldReader(records[i]);
                if (!f.IsObject)
                {
                    rejected.Add(new RecordError(i, null, [$"record: must be an object, not {FieldReader.Kind(records[i])}"]));
                    raw.Add(records[i].GetRawText());
                    continue;
                }

                var id = f.Id("userId", required: true);
                var signup = f.Time("signupTime", required: false, nowMs);
                var prefs = f.StringList("declaredPreferences", 64);
                foreach (var p in prefs ?? [])
                {
                    if (!Catalog.FeatureId.TryParseKey(p, out _, out _))
                    {
                        f.Errors.Add($"declaredPreferences: '{p}' is not of the form category:…, brand:…, tag:… or price:…");
                    }
                }

                Dictionary<string, bool>? consent = null;
                if (f.Get("consent") is { } c)
                {
                    if (c.ValueKind != JsonValueKind.Object || c.EnumerateObject().Any(p => p.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)))
                    {
                        f.Errors.Add("consent: must be an object of booleans");
                    }
                    else if (c.EnumerateObject().Count() > MaxConsentFlags || c.EnumerateObject().Any(p => p.Name.Length is 0 or > MaxConsentName))
                    {
                        f.Errors.Add($"consent: at most {MaxConsentFlags} flags, each named by 1 to {MaxConsentName} characters");
                    }
                    else if (c.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
                    {
                        f.Errors.Add($"consent: '{twice.Key}' is given more than once");
                    }
                    else
                    {
                        consent = c.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetBoolean(), StringComparer.Ordinal);
                    }
                }

                if (f.HasErrors)
                {
                    rejected.Add(new RecordError(i, id, f.Errors));
                    raw.Add(records[i].GetRawText());
                    continue;
                }

                accepted.Add((i, new UserRecord { UserId = id!, SignupTimeMs = signup, DeclaredPreferences = prefs ?? [], Consent = consent }));
            }
            catch (InvalidOperationException ex)
            {
                // A string with an unpaired surrogate escape ("\ud800") cannot be read as text: the record, not the batch, is refused.
                rejected.Add(new RecordError(i, null, [JsonRecords.Unreadable(ex)]));
                raw.Add(records[i].GetRawText());
            }
        }

        return new ParsedBatch<UserRecord>(accepted, rejected, raw);
    }
}
