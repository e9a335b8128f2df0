namespace Persona.Core.Ingest;

/// <summary>Why a record was rejected: its position in the batch (0-based), its id if readable, and one message per broken rule.</summary>
public sealed record RecordError(int Index, string? Id, IReadOnlyList<string> Errors);
