using Persona.Core.Ingest;

namespace Persona.Core.Pipeline;

/// <summary>
/// What became of a batch: every record is accepted, a duplicate (same event id seen before) or rejected; of the
/// accepted events, <see cref="Withheld"/> were only counted, their users having withheld consent to profiling.
/// </summary>
public sealed record IngestResult(int Accepted, int Duplicate, int Rejected, IReadOnlyList<RecordError> Errors)
{
    /// <summary>Accepted events of users who withheld profiling: counted, neither logged nor applied.</summary>
    public int Withheld { get; init; }

    public static IngestResult Empty { get; } = new(0, 0, 0, []);
}
