using System.Globalization;
using System.Text;
using Persona.Core.Catalog;
using Persona.Core.Pipeline;
using Persona.Serving.Profiles;

namespace Persona.Serving.Segments;

/// <summary>
/// The rows of <c>GET /v1/segments/{name}/export?format=csv|json</c>: the segment's members with the facts an ad platform
/// needs, in ordinal id order. Members whose user record withholds consent (<c>consent.marketing: false</c>) are
/// left out and counted. CSV follows RFC 4180: a header, CRLF line ends, and a field holding a comma, quote, CR
/// or LF quoted with inner quotes doubled.
/// </summary>
public static class SegmentExport
{
    public const string CsvHeader = "user_id,lifecycle,last_seen,event_count,purchases,monetary,price_level,top_category,top_brand";

    /// <summary>The audience as CSV (header, CRLF line ends).</summary>
    public static string ToCsv(IReadOnlyList<AudienceMember> audience)
    {
        ArgumentNullException.ThrowIfNull(audience);
        var csv = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var m in audience)
        {
            csv.Append(Field(m.UserId)).Append(',')
                .Append(Field(m.Lifecycle)).Append(',')
                .Append(m.LastSeen.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(',')
                .Append(m.EventCount.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(m.Purchases.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(m.Monetary.ToString("0.##", CultureInfo.InvariantCulture)).Append(',')
                .Append(m.PriceLevel?.ToString("0.####", CultureInfo.InvariantCulture)).Append(',')
                .Append(Field(m.TopCategory)).Append(',')
                .Append(Field(m.TopBrand)).Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>
    /// A CSV field: a value a spreadsheet would run as a formula (starting with <c>= + - @</c>, a tab or CR) gets a
    /// leading apostrophe, so it opens as text (OWASP's advice against CSV injection); then quoted when it holds a
    /// comma, a quote, CR or LF, inner quotes doubled.
    /// </summary>
    public static string Field(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>The members' export rows, ordinal id order kept; those whose user record withholds marketing consent are counted, not listed.</summary>
    public static (List<AudienceMember> Audience, int Withheld) Collect(IReadOnlyList<string> ids, ProfileViews views, IProfileStore store)
    {
        var audience = new List<AudienceMember>(ids.Count);
        var withheld = 0;
        foreach (var id in ids)
        {
            if (store.FindUser(id)?.Withholds(UserRecord.MarketingConsent) == true)
            {
                withheld++;
                continue;
            }

            if (views.Read(id, k: 1)?.View is not { } v)
            {
                continue; // gone since it was a member
            }

            audience.Add(new AudienceMember(
                v.UserId, v.Lifecycle, v.LastSeen, v.EventCount, v.Rfm.Frequency, v.Rfm.Monetary, v.PriceLevel,
                v.Interests.Categories.Count > 0 ? v.Interests.Categories[0].Feature : null,
                v.Interests.Brands.Count > 0 ? v.Interests.Brands[0].Feature : null));
        }

        return (audience, withheld);
    }
}

/// <summary>An exported audience: the segment, how many members are in it, how many were left out for lack of marketing consent, and the members.</summary>
public sealed record AudienceExport(string Segment, int Count, int WithheldNoConsent, IReadOnlyList<AudienceMember> Members);
