using Persona.Core.Ingest;

namespace Persona.Server.Apis;

/// <summary>The answer to a batch: counts and one entry per rejected record.</summary>
public sealed record IngestResponse(int Accepted, int Duplicate, int Rejected, IReadOnlyList<RecordError> Errors)
{
    /// <summary>Accepted events of users who withheld consent to profiling: only counted (absent when none).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public int Withheld { get; init; }
}
