using Persona.Core.Events;

namespace Persona.Core.Features;

/// <summary>
/// One training row: a user's features as of <see cref="TimeMs"/>, computed from <see cref="Past"/> only,
/// and the user's later events (<see cref="Future"/>) for labels. Past and future are the user's events in
/// event-time order (ties in input order), split at <see cref="Position"/>.
/// </summary>
/// <param name="UserId">The user.</param>
/// <param name="Position">How many of the user's events the features saw.</param>
/// <param name="TimeMs">The time the features are as of.</param>
/// <param name="Features">The feature vector (the extractor's schema).</param>
/// <param name="Past">The events the features saw, oldest first.</param>
/// <param name="Future">The user's events after them, oldest first: the only place labels come from.</param>
public sealed record PointInTimeRow(string UserId, int Position, long TimeMs, float[] Features, ArraySegment<BehaviorEvent> Past, ArraySegment<BehaviorEvent> Future);
