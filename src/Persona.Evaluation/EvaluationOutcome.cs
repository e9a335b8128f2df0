using Persona.Recommend.Ranking;

namespace Persona.Evaluation;

/// <summary>
/// What an evaluation produced: the report, Markdown to append to its summary (the churn protocol's
/// calibration tables), and the blend weights the service model used.
/// </summary>
public sealed record EvaluationOutcome(EvaluationReport Report, string? MarkdownAppendix = null, BlendWeights? Blend = null);
