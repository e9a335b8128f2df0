using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Persona.Core.Engine;

/// <summary>
/// <see cref="EngineConfig"/> as JSON: loading a configuration file (strict: an unknown property is an
/// error), its canonical form, and the hash that the store, the model registry and reports record so that
/// the live service, replay and evaluation can be shown to run the same configuration.
/// </summary>
/// <remarks>
/// Time spans are written as .NET's constant format (<c>"14.00:00:00"</c> is 14 days). <c>typeWeights</c> in
/// a file is laid over the defaults: a file that sets only <c>purchase</c> keeps every other default weight.
/// </remarks>
public static class EngineConfigJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads and validates a configuration file; throws <see cref="ArgumentException"/> naming the file and the problem.</summary>
    public static EngineConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"engine configuration: {path} does not exist");
        }

        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"engine configuration {path}: {ex.Message}", ex);
        }
    }

    /// <summary>Parses and validates a configuration from JSON text.</summary>
    public static EngineConfig Parse(string json)
    {
        var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
            ?? throw new JsonException("the configuration must be a JSON object");
        var weights = new Dictionary<string, double>(new EngineConfig().TypeWeights, StringComparer.Ordinal);
        if (node["typeWeights"] is JsonObject given)
        {
            foreach (var (name, value) in given)
            {
                weights[name] = value?.GetValue<double>() ?? throw new JsonException($"typeWeights.{name}: missing value");
            }

            node.Remove("typeWeights");
        }

        var config = node.Deserialize<EngineConfig>(Options) ?? throw new JsonException("the configuration is empty");
        config = config with { TypeWeights = weights };
        config.Validate();
        return config;
    }

    /// <summary>The canonical JSON of a configuration: every setting, dictionary keys in ordinal order.</summary>
    public static string Canonical(EngineConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = JsonSerializer.SerializeToNode(config, Options)!.AsObject();
        var weights = new JsonObject();
        foreach (var (name, weight) in config.TypeWeights.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            weights[name] = weight;
        }

        node["typeWeights"] = weights;
        var signals = new JsonObject();
        foreach (var (name, value) in config.SatisfactionSignals.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            signals[name] = value;
        }

        node["satisfactionSignals"] = signals;
        return node.ToJsonString();
    }

    /// <summary>The first 16 hex digits of the SHA-256 of the canonical JSON.</summary>
    public static string Hash(EngineConfig config) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(config))))[..16];

    /// <summary>The settings whose values differ between two canonical configurations, as "name: a → b".</summary>
    public static IReadOnlyList<string> Differences(string canonicalA, string canonicalB)
    {
        var a = JsonNode.Parse(canonicalA)!.AsObject();
        var b = JsonNode.Parse(canonicalB)!.AsObject();
        var names = a.Select(p => p.Key).Union(b.Select(p => p.Key)).Order(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var name in names)
        {
            var va = a[name]?.ToJsonString() ?? "(none)";
            var vb = b[name]?.ToJsonString() ?? "(none)";
            if (va != vb)
            {
                result.Add($"{name}: {va} → {vb}");
            }
        }

        return result;
    }
}
