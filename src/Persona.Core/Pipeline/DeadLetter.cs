namespace Persona.Core.Pipeline;

/// <summary>A rejected record kept with its reasons.</summary>
public sealed record DeadLetter(DateTimeOffset ReceivedAt, int Index, string? Id, IReadOnlyList<string> Errors, string Record);
