using System.Text.Json;
using Persona.Serving.Hosting;

namespace Persona.Serving.Access;

/// <summary>
/// The API keys in the data directory (<c>keys.json</c>, readable by its owner only where the file system has
/// Unix modes). A save rewrites the file through a temporary file, flushed and renamed over the old one.
/// </summary>
public sealed class ApiKeyFile(string dataDirectory) : IApiKeyStore
{
    public const string FileName = "keys.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly Lock _lock = new();

    public string Path { get; } = System.IO.Path.Combine(dataDirectory, FileName);

    public string Where => Path;

    /// <summary>The keys in the file, or none when there is no file; a damaged file is an error naming it.</summary>
    public IReadOnlyList<ApiKey> Load()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<ApiKey>>(File.ReadAllBytes(Path), Json) ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path}: not a key list ({ex.Message})", ex);
        }
    }

    public void Save(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            var keys = Load().Where(k => k.Id != key.Id).Append(key).ToList();
            DurableFile.Replace(Path, stream => JsonSerializer.Serialize(stream, keys, Json), ownerOnly: true);
        }
    }
}
