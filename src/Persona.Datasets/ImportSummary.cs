namespace Persona.Datasets;

/// <summary>
/// What an import did: the catalog items a dataset carried, the events (or items) accepted, duplicate and
/// rejected, and the first rejections with their line (or row, or record) number.
/// </summary>
public sealed record ImportSummary(long CatalogItems, long Accepted, long Duplicate, long Rejected, IReadOnlyList<ImportRejection> Rejections);

/// <summary>One rejected record: its line (or row) number in the input and why it was refused.</summary>
public sealed record ImportRejection(long Position, string Message);
