using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Features;
using Persona.Models.Interest;

namespace Persona.Models.Artifacts;

/// <summary>
/// A trained interest model on disk: a folder with <c>model.json</c> (<see cref="ModelMetadata"/>) and
/// <c>weights.bin</c> (<see cref="InterestMlp.Save"/>). <see cref="Load"/> refuses a folder whose weights do
/// not match their hash, whose feature schema differs from what this build computes for its labels, or
/// whose engine configuration differs from the service's, naming the difference.
/// </summary>
public sealed class InterestModelArtifact
{
    public const string Kind = "interest-mlp";
    public const string MetadataFile = "model.json";
    public const string WeightsFile = "weights.bin";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private InterestModelArtifact(ModelMetadata metadata, InterestMlp model, FeatureExtractor extractor)
    {
        Metadata = metadata;
        Model = model;
        Extractor = extractor;
    }

    public ModelMetadata Metadata { get; }

    public InterestMlp Model { get; }

    /// <summary>The extractor that computes this model's inputs (the service's engine, the model's labels).</summary>
    public FeatureExtractor Extractor { get; }

    /// <summary>Writes the weights and their metadata into <paramref name="folder"/> (created if needed); returns the metadata with the weights' hash and version filled in.</summary>
    public static ModelMetadata Save(string folder, InterestMlp model, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metadata);
        Directory.CreateDirectory(folder);
        using var weights = new MemoryStream();
        model.Save(weights);
        var bytes = weights.ToArray();
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var complete = metadata with
        {
            WeightsSha256 = sha,
            Version = $"{Kind}-{metadata.CreatedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{sha[..8]}",
        };

        // Weights first, metadata last, each through a temporary file: a folder with model.json is complete.
        WriteAtomically(Path.Combine(folder, WeightsFile), bytes);
        WriteAtomically(Path.Combine(folder, MetadataFile), JsonSerializer.SerializeToUtf8Bytes(complete, JsonOptions));
        return complete;
    }

    /// <summary>Loads and checks a model folder against the service's engine configuration.</summary>
    public static InterestModelArtifact Load(string folder, EngineConfig serviceConfig)
    {
        ArgumentNullException.ThrowIfNull(serviceConfig);
        var metadataPath = Path.Combine(folder, MetadataFile);
        if (!File.Exists(metadataPath))
        {
            throw new InvalidDataException($"model {folder}: no {MetadataFile}");
        }

        ModelMetadata metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<ModelMetadata>(File.ReadAllBytes(metadataPath), JsonOptions)
                ?? throw new InvalidDataException($"model {folder}: {MetadataFile} is empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"model {folder}: {MetadataFile} is not valid ({ex.Message})", ex);
        }

        if (metadata.Kind != Kind)
        {
            throw new InvalidDataException($"model {folder}: a {metadata.Kind} model, not {Kind}");
        }

        var serviceHash = EngineConfigJson.Hash(serviceConfig);
        if (metadata.EngineConfigHash != serviceHash)
        {
            var differences = EngineConfigJson.Differences(metadata.EngineConfig, EngineConfigJson.Canonical(serviceConfig));
            throw new InvalidDataException($"model {metadata.Version}: trained with engine configuration {metadata.EngineConfigHash}, the service runs {serviceHash} ({string.Join("; ", differences)})");
        }

        var extractor = new FeatureExtractor(new ProfileEngine(serviceConfig), new InterestLabels(metadata.Labels, metadata.LabelDepth));
        if (extractor.Schema.Hash != metadata.FeatureSchemaHash)
        {
            throw new InvalidDataException($"model {metadata.Version}: trained on feature schema {metadata.FeatureSchemaHash} (version {metadata.FeatureVersion}), this build computes {extractor.Schema.Hash} (version {FeatureExtractor.Version})");
        }

        var bytes = File.ReadAllBytes(Path.Combine(folder, WeightsFile));
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != metadata.WeightsSha256)
        {
            throw new InvalidDataException($"model {metadata.Version}: {WeightsFile} does not match its hash");
        }

        var model = InterestMlp.Load(new MemoryStream(bytes));
        if (model.Width != extractor.Width || model.Classes != extractor.Labels.Count)
        {
            throw new InvalidDataException($"model {metadata.Version}: weights take {model.Width} features into {model.Classes} labels, the schema has {extractor.Width} and {extractor.Labels.Count}");
        }

        return new InterestModelArtifact(metadata, model, extractor);
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
