namespace Persona.Core.Sources;

/// <summary>
/// A source the service consumes events from besides its HTTP ingest (a Redis Stream; a Kafka topic would be
/// another): the host reports its <see cref="Status"/> in its metrics and operations endpoints.
/// </summary>
public interface IEventSource
{
    EventSourceStatus Status { get; }
}
