using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Persona.Models.Artifacts;

/// <summary>
/// The layout every model artifact shares: a folder with <c>model.json</c> (<see cref="ModelMetadata"/>),
/// <c>weights.bin</c> (whose SHA-256 the metadata records) and any further files. Files are written each
/// through a temporary file and <c>model.json</c> last, so a folder with <c>model.json</c> is complete.
/// </summary>
public static class ModelFolder
{
    public const string MetadataFile = "model.json";
    public const string WeightsFile = "weights.bin";

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes the weights, the extra files and then the metadata, with the weights' hash and the version id filled in.</summary>
    public static ModelMetadata Save(string folder, byte[] weights, ModelMetadata metadata, IReadOnlyDictionary<string, byte[]>? files = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(metadata);
        Directory.CreateDirectory(folder);
        var sha = Convert.ToHexStringLower(SHA256.HashData(weights));
        var complete = metadata with
        {
            WeightsSha256 = sha,
            Version = $"{metadata.Kind}-{metadata.CreatedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{sha[..8]}",
        };

        // Over an existing model: its model.json goes first, so no reader takes the new files for the old model.
        File.Delete(Path.Combine(folder, MetadataFile));
        WriteAtomically(Path.Combine(folder, WeightsFile), weights);
        foreach (var (name, bytes) in files ?? new Dictionary<string, byte[]>())
        {
            WriteAtomically(Path.Combine(folder, name), bytes);
        }

        WriteAtomically(Path.Combine(folder, MetadataFile), JsonSerializer.SerializeToUtf8Bytes(complete, JsonOptions));
        return complete;
    }

    /// <summary>The folder's metadata; refuses a folder without it, with unreadable JSON, or of another kind than <paramref name="kinds"/>.</summary>
    public static ModelMetadata ReadMetadata(string folder, params string[] kinds)
    {
        var path = Path.Combine(folder, MetadataFile);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"model {folder}: no {MetadataFile}");
        }

        ModelMetadata metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<ModelMetadata>(File.ReadAllBytes(path), JsonOptions)
                ?? throw new InvalidDataException($"model {folder}: {MetadataFile} is empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"model {folder}: {MetadataFile} is not valid ({ex.Message})", ex);
        }

        if (kinds.Length > 0 && !kinds.Contains(metadata.Kind))
        {
            throw new InvalidDataException($"model {folder}: a {metadata.Kind} model, not {string.Join(" or ", kinds)}");
        }

        return metadata;
    }

    /// <summary>The weights' bytes, refused when they do not match the hash in the metadata.</summary>
    public static byte[] ReadWeights(string folder, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var path = Path.Combine(folder, WeightsFile);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"model {metadata.Version}: no {WeightsFile}");
        }

        var bytes = File.ReadAllBytes(path);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != metadata.WeightsSha256)
        {
            throw new InvalidDataException($"model {metadata.Version}: {WeightsFile} does not match its hash");
        }

        return bytes;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
