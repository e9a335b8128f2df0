namespace Persona.Server.Apis;

public sealed record HealthResponse(string Status, long LogPosition, long CheckpointPosition, int ProfilesInMemory);
