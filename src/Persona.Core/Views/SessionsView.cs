namespace Persona.Core.Views;

/// <summary>Session statistics (inactivity gap from configuration); the open session counts once it is idle.</summary>
public sealed record SessionsView(long Count, double MeanEvents, double MeanDurationSeconds, double BounceRate, string? CurrentSessionId);
