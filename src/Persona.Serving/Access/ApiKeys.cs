using System.Security.Cryptography;
using System.Text;

namespace Persona.Serving.Access;

/// <summary>
/// The API keys in force: creates keys (the secret is shown once and stored only as its SHA-256), revokes them,
/// and tells who presents a key. A key reads <c>psn_ID_SECRET</c>: the id finds the stored key, and the secret's
/// hash is compared in constant time. The keys are read again from the store at most once a second, so keys added
/// or revoked by another process (the command line, another silo) take effect within a second.
/// </summary>
public sealed class ApiKeys(IApiKeyStore store, TimeProvider clock)
{
    public const string Prefix = "psn_";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private Dictionary<string, ApiKey> _byId = new(StringComparer.Ordinal);
    private long _loadedAt = long.MinValue;

    public string Where => store.Where;

    /// <summary>Whether any key is active: with none, a service bound to loopback only answers without keys.</summary>
    public bool AnyActive => Current().Values.Any(k => k.IsActive);

    public IReadOnlyList<ApiKey> List() => [.. Current().Values.OrderBy(k => k.Created).ThenBy(k => k.Id, StringComparer.Ordinal)];

    /// <summary>Creates a key named <paramref name="name"/> with <paramref name="scopes"/>; returns it and the key to hand out (shown only now).</summary>
    public (ApiKey Key, string Secret) Create(string name, IReadOnlyList<string> scopes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(scopes);
        if (name.Length > 100)
        {
            throw new ArgumentException("name: at most 100 characters");
        }

        var checkedScopes = Scopes.Parse(string.Join(',', scopes));
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey(id, name.Trim(), checkedScopes, Hash(secret), clock.GetUtcNow());
        store.Save(key);
        Invalidate();
        return (key, $"{Prefix}{id}_{secret}");
    }

    /// <summary>Revokes the key <paramref name="id"/>; false when there is no such active key.</summary>
    public bool Revoke(string id)
    {
        if (!Current().TryGetValue(id, out var key) || !key.IsActive)
        {
            return false;
        }

        store.Save(key with { Revoked = clock.GetUtcNow() });
        Invalidate();
        return true;
    }

    /// <summary>The active key <paramref name="presented"/> is, or null for anything else (malformed, unknown, revoked, wrong secret).</summary>
    public ApiKey? Authenticate(string? presented)
    {
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }

        var rest = presented.AsSpan(Prefix.Length);
        var split = rest.IndexOf('_');
        if (split <= 0)
        {
            return null;
        }

        if (!Current().TryGetValue(rest[..split].ToString(), out var key) || !key.IsActive)
        {
            return null;
        }

        var presentedHash = Encoding.ASCII.GetBytes(Hash(rest[(split + 1)..].ToString()));
        return CryptographicOperations.FixedTimeEquals(presentedHash, Encoding.ASCII.GetBytes(key.SecretSha256)) ? key : null;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private void Invalidate()
    {
        lock (_lock)
        {
            _loadedAt = long.MinValue;
        }
    }

    private Dictionary<string, ApiKey> Current()
    {
        lock (_lock)
        {
            var now = clock.GetTimestamp();
            if (_loadedAt == long.MinValue || clock.GetElapsedTime(_loadedAt, now) >= RefreshInterval)
            {
                _byId = store.Load().ToDictionary(k => k.Id, StringComparer.Ordinal);
                _loadedAt = now;
            }

            return _byId;
        }
    }
}
