using System.Text.Json.Serialization;

namespace Persona.Evaluation;

/// <summary>The report <c>persona evaluate</c> writes: what was evaluated, how, and the metrics (lower-case keys).</summary>
public sealed record EvaluationReport(
    [property: JsonPropertyName("dataset")] string Dataset,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("protocol")] string Protocol,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("users_evaluated")] int UsersEvaluated,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>The baseline's metrics, under the same names, where the protocol reports one beside the model (review-sentiment: the lexicon).</summary>
    [JsonPropertyName("baseline")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? Baseline { get; init; }
}
