namespace Persona.Core.Catalog;

/// <summary>Optional facts about a user that do not come from behaviour.</summary>
public sealed record UserRecord
{
    public required string UserId { get; init; }

    public long? SignupTimeMs { get; init; }

    /// <summary>Declared preferences as feature keys, e.g. "category:Beauty/Makeup" or "brand:Acme".</summary>
    public IReadOnlyList<string> DeclaredPreferences { get; init; } = [];

    public IReadOnlyDictionary<string, bool>? Consent { get; init; }
}
