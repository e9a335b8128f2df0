using Persona.Core.Pipeline;

namespace Persona.Core.Sources;

/// <summary>
/// Told of every batch a source ingested: the host counts it in its metrics and wakes the log's followers
/// (recommendation indexes, segments), as its HTTP ingest does for uploads.
/// </summary>
public interface IIngestListener
{
    void Ingested(IngestResult result, TimeSpan elapsed);
}
