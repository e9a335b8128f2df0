using Persona.Core.Ingest;

namespace Persona.Server.Apis;

/// <summary>The answer to a batch: counts and one entry per rejected record.</summary>
public sealed record IngestResponse(int Accepted, int Duplicate, int Rejected, IReadOnlyList<RecordError> Errors);
