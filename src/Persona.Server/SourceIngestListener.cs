using Persona.Core.Pipeline;
using Persona.Core.Sources;

namespace Persona.Server;

/// <summary>What the HTTP ingest does after a batch, for batches from event sources: count it in the metrics and wake the log's followers.</summary>
internal sealed class SourceIngestListener(PersonaMetrics metrics, LogSignal signal) : IIngestListener
{
    public void Ingested(IngestResult result, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(result);
        metrics.RecordIngest(result, elapsed.TotalSeconds, elapsed.TotalSeconds);
        if (result.Accepted > 0)
        {
            signal.Notify();
        }
    }
}
