namespace Persona.Core.Sources;

/// <summary>
/// Where a source stands. <see cref="Lag"/>: entries in the source not yet delivered to the consumer group
/// (null while unknown); <see cref="Pending"/>: entries delivered to the group and not yet acknowledged (in
/// flight here, or held by a consumer that died until another claims them). Counters are this process's since
/// it started: entries read, events they held (accepted or duplicate), records dead-lettered, entries claimed
/// from other consumers, and ingest or connection attempts that failed and were retried.
/// </summary>
public sealed record EventSourceStatus(
    string Kind,
    string Name,
    string Group,
    string Consumer,
    bool Connected,
    long? Lag,
    long Pending,
    long Entries,
    long Events,
    long DeadLettered,
    long Claimed,
    long Retries,
    string? LastError);
