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

    /// <summary>
    /// The review's sentiment: the probability (0–1) that its writer is pleased. Set by the sender, or at ingest
    /// from <see cref="Text"/> by the sentiment model then served (the lexicon when none is), and logged with the
    /// event, so replays give the same profile whatever model serves later.
    /// </summary>
    public double? Sentiment { get; init; }

    /// <summary>The business line or site the event happened in ("fashion", "electronics", "video"); optional.</summary>
    public string? Domain { get; init; }

    /// <summary>The platform it happened on ("web", "app", "mini-program", "partner"); optional.</summary>
    public string? Platform { get; init; }

    public string? RecommendationId { get; init; }

    public EventContext? Context { get; init; }

    public EventType BuiltInType => (EventType)Type;
}
