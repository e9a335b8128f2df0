namespace Persona.Core.Events;

/// <summary>
/// The canonical behaviour event. <see cref="EventId"/> is the idempotency key: a second event with the
/// same id changes nothing. <see cref="TimestampMs"/> is event time in Unix milliseconds (UTC).
/// </summary>
public sealed record BehaviorEvent
{
    public required string EventId { get; init; }

    /// <summary>Type code: a built-in <see cref="Events.EventType"/> or a registered custom code.</summary>
    public required byte Type { get; init; }

    public required string UserId { get; init; }

    public string? SessionId { get; init; }

    public string? ItemId { get; init; }

    public required long TimestampMs { get; init; }

    public double? Price { get; init; }

    public int? Quantity { get; init; }

    public string? Currency { get; init; }

    public int? Rating { get; init; }

    public string? Text { get; init; }

    public string? RecommendationId { get; init; }

    public EventContext? Context { get; init; }

    public EventType BuiltInType => (EventType)Type;
}
