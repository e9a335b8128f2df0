using Persona.Core.Events;

namespace Persona.Core.Pipeline;

/// <summary>An event as the log holds it: its position and the event.</summary>
/// <param name="Seq">Log position (1, 2, ...).</param>
/// <param name="Event">The event.</param>
public readonly record struct LoggedEvent(long Seq, BehaviorEvent Event);
