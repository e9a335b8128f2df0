namespace Persona.Core.Pipeline;

/// <summary>Counters a store exposes for metrics.</summary>
public sealed record StoreStats(long LogPosition, long CheckpointPosition, int CachedProfiles, long DeadLetters, long NewestEventTimeMs, long CachedProfileBytes = 0);
