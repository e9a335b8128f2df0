using Persona.Serving.Access;

namespace Persona.Server.Security;

/// <summary>Who may reach the service, and how often: validated at start.</summary>
public sealed record AccessOptions
{
    /// <summary>
    /// Serves without keys on addresses other than loopback. Without it, a service bound beyond loopback refuses to
    /// start while no key exists, and answers 401 to requests without a valid key.
    /// </summary>
    public bool InsecureNoAuth { get; init; }

    /// <summary>
    /// Requests per second per key and scope (a token bucket holding two seconds' worth); 0 for no limit. A request
    /// over the limit gets 429 with Retry-After. Requests without a key (allowed only on loopback or with
    /// <see cref="InsecureNoAuth"/>) are not limited.
    /// </summary>
    public IReadOnlyDictionary<string, int> RateLimits { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [Scopes.Ingest] = 500,
        [Scopes.Read] = 5_000,
        [Scopes.Analytics] = 50,
        [Scopes.Privacy] = 20,
        [Scopes.Admin] = 20,
    };

    /// <summary>The ε each key may spend per UTC day on differentially private aggregates (<c>?epsilon=</c>).</summary>
    public double PrivacyBudgetPerDay { get; init; } = 10;

    /// <summary>Parses <c>scope=N,scope=N</c> over the defaults; <see cref="ArgumentException"/> naming a bad part.</summary>
    public static IReadOnlyDictionary<string, int> ParseRateLimits(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var limits = new Dictionary<string, int>(new AccessOptions().RateLimits, StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !Scopes.All.Contains(part[..eq], StringComparer.Ordinal) || !int.TryParse(part[(eq + 1)..], out var n) || n < 0)
            {
                throw new ArgumentException($"rate limits: '{part}' is not SCOPE=N with SCOPE one of {string.Join(", ", Scopes.All)} and N >= 0");
            }

            limits[part[..eq]] = n;
        }

        return limits;
    }

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(RateLimits);
        if (!double.IsFinite(PrivacyBudgetPerDay) || PrivacyBudgetPerDay <= 0)
        {
            throw new ArgumentException($"invalid access options: privacy budget {PrivacyBudgetPerDay} must be positive");
        }

        foreach (var (scope, limit) in RateLimits)
        {
            if (!Scopes.All.Contains(scope, StringComparer.Ordinal) || limit < 0)
            {
                throw new ArgumentException($"invalid access options: rate limit {scope}={limit}");
            }
        }
    }
}
