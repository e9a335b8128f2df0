namespace Persona.Core.Ingest;

/// <summary>
/// One spelling per id, on write and on read: surrounding white space trimmed. A path segment is taken as the router
/// leaves it (with <c>%2F</c> still escaped), so an id holding '/' is reached as <c>a%2Fb</c>. Unicode normalisation
/// (NFC) is not applied: the service runs in globalization-invariant mode, where the runtime leaves strings
/// unnormalised, so ids are compared as the code points they were sent with.
/// </summary>
public static class Ids
{
    /// <summary>The id's one spelling.</summary>
    public static string Normalize(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Trim();
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
