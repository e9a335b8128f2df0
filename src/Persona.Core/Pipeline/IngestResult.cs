using Persona.Core.Ingest;

namespace Persona.Core.Pipeline;

/// <summary>What became of a batch: every record is accepted, a duplicate (same event id seen before) or rejected.</summary>
public sealed record IngestResult(int Accepted, int Duplicate, int Rejected, IReadOnlyList<RecordError> Errors)
{
    public static IngestResult Empty { get; } = new(0, 0, 0, []);
}
