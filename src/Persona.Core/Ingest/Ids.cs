namespace Persona.Core.Ingest;

/// <summary>
/// One spelling per id, on write and on read: surrounding white space trimmed, and Unicode normalised to NFC (so
/// "Zoë" typed as e + combining diaeresis and as the precomposed ë is one id). A path segment is taken as the router
/// leaves it (with <c>%2F</c> still escaped), so an id holding '/' is reached as <c>a%2Fb</c>. Normalisation needs
/// ICU (the service does not run in globalization-invariant mode for this reason); ASCII ids, the common case, skip it.
/// </summary>
public static class Ids
{
    /// <summary>The id's one spelling.</summary>
    public static string Normalize(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var trimmed = id.Trim();
        return System.Text.Ascii.IsValid(trimmed) || trimmed.IsNormalized(System.Text.NormalizationForm.FormC)
            ? trimmed
            : trimmed.Normalize(System.Text.NormalizationForm.FormC);
    }

    /// <summary>An id from a URL path segment: <c>%2F</c> (which routing leaves escaped) as '/', then <see cref="Normalize"/>.</summary>
    public static string FromPath(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        var unescaped = segment.Contains('%', StringComparison.Ordinal)
            ? segment.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase)
            : segment;
        return Normalize(unescaped);
    }
}
