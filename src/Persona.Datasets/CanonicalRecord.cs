namespace Persona.Datasets;

/// <summary>
/// One record of a canonical file: its position (line number for NDJSON and CSV, 1-based row for
/// Parquet) and either the record as a UTF-8 JSON object or the reason it could not be read.
/// </summary>
public readonly record struct CanonicalRecord(long Position, byte[]? Json, string? Error);
