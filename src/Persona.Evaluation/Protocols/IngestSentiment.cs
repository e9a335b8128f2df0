using Persona.Core.Events;
using Persona.Models.Sentiment;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// What ingestion does to review text when no sentiment model is served: review and rate events with text and no
/// sentiment get the lexicon's (mapped onto 0–1), as the service would log them. Offline protocols apply it before
/// replaying a stream, so that its profiles are the ones the service would build.
/// </summary>
public static class IngestSentiment
{
    public static IReadOnlyList<BehaviorEvent> WithLexicon(IReadOnlyList<BehaviorEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!events.Any(e => e.Sentiment is null && ReviewText.IsScored(e.Type, e.Text)))
        {
            return events;
        }

        return [.. events.Select(e => ReviewText.Scored(e, SentimentLexicon.Positive))];
    }

    /// <summary>Whether any event is a satisfaction signal (a rating, review text, or a sentiment).</summary>
    public static bool HasSatisfactionSignals(IReadOnlyList<BehaviorEvent> events) =>
        events.Any(e => e.Sentiment is not null || (e.Type is (byte)EventType.Rate or (byte)EventType.Review && (e.Rating is not null || e.Text is not null)));
}
