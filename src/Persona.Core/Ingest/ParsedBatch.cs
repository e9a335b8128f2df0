namespace Persona.Core.Ingest;

/// <summary>The records of a request body that passed validation, with their positions, and the rejected ones.</summary>
public sealed record ParsedBatch<T>(IReadOnlyList<(int Index, T Record)> Accepted, IReadOnlyList<RecordError> Rejected, IReadOnlyList<string> RejectedRaw)
{
    public int Total => Accepted.Count + Rejected.Count;
}
