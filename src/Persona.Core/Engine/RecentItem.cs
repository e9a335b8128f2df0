namespace Persona.Core.Engine;

/// <summary>One entry of the recent item sequence.</summary>
/// <param name="ItemId">The item.</param>
/// <param name="Type">Event type code.</param>
/// <param name="TimeMs">Event time.</param>
/// <param name="Tiebreak">Hash of the event id, orders events with equal times deterministically.</param>
public readonly record struct RecentItem(string ItemId, byte Type, long TimeMs, ulong Tiebreak);
