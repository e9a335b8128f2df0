namespace Persona.Serving.Access;

/// <summary>
/// An API key as stored: its public id (the part of the key before the secret), a name for people, its scopes,
/// and the SHA-256 of its secret, never the secret itself. A revoked key stays listed, and is refused.
/// </summary>
public sealed record ApiKey(string Id, string Name, IReadOnlyList<string> Scopes, string SecretSha256, DateTimeOffset Created, DateTimeOffset? Revoked = null)
{
    public bool IsActive => Revoked is null;
}
