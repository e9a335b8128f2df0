namespace Persona.Server.Apis;

/// <summary>
/// The service's health: <c>healthy</c>, or <c>unhealthy</c> with the reason (<c>disk_full</c>,
/// <c>write_failed</c>, <c>apply_failed</c>) and the backend's message. Profile reads work either way.
/// </summary>
public sealed record HealthResponse(string Status, long LogPosition, long CheckpointPosition, int ProfilesInMemory, string? Reason = null, string? Detail = null, DateTimeOffset? Since = null);
