using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Persona.Recommend.Ranking;

/// <summary>
/// Blend weights as a JSON object: one number per feature name (<see cref="RankingFeatures.Names"/>, written in
/// registry order) and <c>source</c>. Reading, a feature left out keeps its heuristic weight and <c>source</c>
/// defaults to "heuristic"; a name that is neither a feature nor <c>source</c> is refused. Names match as the
/// serializer options say (case-insensitive under the web defaults); numbers may be strings where the options allow.
/// </summary>
public sealed class BlendWeightsJsonConverter : JsonConverter<BlendWeights>
{
    /// <summary>The longest <c>source</c> accepted.</summary>
    public const int MaxSourceLength = 200;

    private const string SourceName = "source";

    public override BlendWeights Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("blend: expected an object of weights by feature name");
        }

        var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var weights = new List<KeyValuePair<string, double>>();
        var source = BlendWeights.Heuristic.Source;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (string.Equals(name, SourceName, comparison))
            {
                source = reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: <= MaxSourceLength } text
                    ? text
                    : throw new JsonException($"blend: source must be a string of at most {MaxSourceLength} characters");
                continue;
            }

            var feature = RankingFeatures.Names.FirstOrDefault(n => string.Equals(n, name, comparison))
                ?? throw new JsonException("blend: " + RankingFeatures.Unknown(name));
            weights.Add(new(feature, Number(ref reader, feature, options)));
        }

        return BlendWeights.Of(weights, source);
    }

    public override void Write(Utf8JsonWriter writer, BlendWeights value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        foreach (var (name, weight) in value.Entries)
        {
            writer.WriteNumber(name, weight);
        }

        writer.WriteString(SourceName, value.Source);
        writer.WriteEndObject();
    }

    private static double Number(ref Utf8JsonReader reader, string feature, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.GetDouble();
        }

        if (reader.TokenType == JsonTokenType.String
            && options.NumberHandling.HasFlag(JsonNumberHandling.AllowReadingFromString)
            && double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        throw new JsonException($"blend: the weight of {feature} must be a number");
    }
}
