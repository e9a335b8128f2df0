namespace Persona.Core.Events;

/// <summary>
/// Which events get a sentiment score from their text at ingestion: review and rate events with text and no
/// sentiment of their own. The service's parser, <c>persona import</c> and the offline protocols apply the same rule.
/// </summary>
public static class ReviewText
{
    /// <summary>Whether an event of <paramref name="type"/> with <paramref name="text"/> is scored.</summary>
    public static bool IsScored(byte type, string? text) => text is not null && type is (byte)EventType.Review or (byte)EventType.Rate;

    /// <summary><paramref name="e"/> with its text's score (clamped to 0–1) when it is scored and has none; else <paramref name="e"/>.</summary>
    public static BehaviorEvent Scored(BehaviorEvent e, Func<string, double> sentimentOf)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(sentimentOf);
        return e.Sentiment is null && IsScored(e.Type, e.Text) ? e with { Sentiment = Math.Clamp(sentimentOf(e.Text!), 0, 1) } : e;
    }
}
