namespace Persona.Serving.Access;

/// <summary>
/// Where the API keys are kept: a file in the data directory on one node (<see cref="ApiKeyFile"/>), or a place a
/// cluster's silos share. Every server reads it again within a second, so a key added or revoked with the command
/// line while the service runs takes effect without a restart.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>Names the place in messages.</summary>
    string Where { get; }

    /// <summary>Every key, revoked ones included.</summary>
    IReadOnlyList<ApiKey> Load();

    /// <summary>Adds <paramref name="key"/>, or replaces the key of its id (a revocation).</summary>
    void Save(ApiKey key);
}
