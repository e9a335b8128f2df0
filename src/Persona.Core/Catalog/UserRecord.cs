namespace Persona.Core.Catalog;

/// <summary>Optional facts about a user that do not come from behaviour.</summary>
public sealed record UserRecord
{
    public required string UserId { get; init; }

    public long? SignupTimeMs { get; init; }

    /// <summary>Declared preferences as feature keys, e.g. "category:Beauty/Makeup" or "brand:Acme".</summary>
    public IReadOnlyList<string> DeclaredPreferences { get; init; } = [];

    /// <summary>Consent flags by purpose (e.g. <see cref="MarketingConsent"/>): a purpose set to false is withheld; one not named is not.</summary>
    public IReadOnlyDictionary<string, bool>? Consent { get; init; }

    /// <summary>The purpose of coupons and audience exports.</summary>
    public const string MarketingConsent = "marketing";

    /// <summary>The purpose of building a profile: withheld, the user's events are only counted.</summary>
    public const string ProfilingConsent = "profiling";

    /// <summary>Whether this user withheld consent for <paramref name="purpose"/> (the flag is present and false).</summary>
    public bool Withholds(string purpose) => Consent is { } consent && consent.TryGetValue(purpose, out var allowed) && !allowed;
}
