namespace Persona.Serving.Access;

/// <summary>
/// What an API key may do. Every HTTP route requires exactly one scope (docs/SECURITY.md has the table);
/// <see cref="Admin"/> holds every other scope too.
/// </summary>
public static class Scopes
{
    /// <summary>Posting events, catalog items and user records.</summary>
    public const string Ingest = "ingest";

    /// <summary>One user at a time: the profile, recommendations, the user's segments.</summary>
    public const string Read = "read";

    /// <summary>Many users at once: aggregates, segment members and exports, churn lists, coupon audiences, statistics.</summary>
    public const string Analytics = "analytics";

    /// <summary>The data subject's rights: erasing and exporting a user.</summary>
    public const string Privacy = "privacy";

    /// <summary>Changing the service: segments, experiments, models, maintenance, dead letters; holds every scope.</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Ingest, Read, Analytics, Privacy, Admin];

    /// <summary>Whether a key with <paramref name="held"/> may use a route that requires <paramref name="required"/>.</summary>
    public static bool Grants(IReadOnlyCollection<string> held, string required)
    {
        ArgumentNullException.ThrowIfNull(held);
        return held.Contains(required, StringComparer.Ordinal) || held.Contains(Admin, StringComparer.Ordinal);
    }

    /// <summary>A comma-separated scope list; <see cref="ArgumentException"/> naming an unknown scope or an empty list.</summary>
    public static IReadOnlyList<string> Parse(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var scopes = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0)
        {
            throw new ArgumentException($"scopes: at least one of {string.Join(", ", All)}");
        }

        foreach (var scope in scopes)
        {
            if (!All.Contains(scope, StringComparer.Ordinal))
            {
                throw new ArgumentException($"scopes: '{scope}' is not one of {string.Join(", ", All)}");
            }
        }

        return scopes;
    }
}
