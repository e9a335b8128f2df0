using System.Text.Json;
using Persona.Core.Events;

namespace Persona.Core.Ingest;

/// <summary>Writes events in the canonical JSON form that <see cref="EventParser"/> reads.</summary>
public static class CanonicalJson
{
    public static void Write(Utf8JsonWriter w, BehaviorEvent e, EventTypes types)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(types);
        w.WriteStartObject();
        w.WriteString("eventId", e.EventId);
        w.WriteString("type", types.NameOf(e.Type));
        w.WriteString("userId", e.UserId);
        if (e.SessionId is not null)
        {
            w.WriteString("sessionId", e.SessionId);
        }

        if (e.ItemId is not null)
        {
            w.WriteString("itemId", e.ItemId);
        }

        w.WriteNumber("timestamp", e.TimestampMs);
        if (e.Price is { } p)
        {
            w.WriteNumber("price", p);
        }

        if (e.Quantity is { } q)
        {
            w.WriteNumber("quantity", q);
        }

        if (e.Currency is not null)
        {
            w.WriteString("currency", e.Currency);
        }

        if (e.Rating is { } r)
        {
            w.WriteNumber("rating", r);
        }

        if (e.Text is not null)
        {
            w.WriteString("text", e.Text);
        }

        if (e.Sentiment is { } sentiment)
        {
            w.WriteNumber("sentiment", sentiment);
        }

        if (e.Domain is not null)
        {
            w.WriteString("domain", e.Domain);
        }

        if (e.Platform is not null)
        {
            w.WriteString("platform", e.Platform);
        }

        if (e.RecommendationId is not null)
        {
            w.WriteString("recommendationId", e.RecommendationId);
        }

        if (e.Context is { } c)
        {
            w.WriteStartObject("context");
            if (c.Device is not null)
            {
                w.WriteString("device", c.Device);
            }

            if (c.Channel is not null)
            {
                w.WriteString("channel", c.Channel);
            }

            if (c.Page is not null)
            {
                w.WriteString("page", c.Page);
            }

            foreach (var (k, v) in c.Values ?? new Dictionary<string, string>())
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>A JSON array of events.</summary>
    public static byte[] Array(IEnumerable<BehaviorEvent> events, EventTypes types)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartArray();
            foreach (var e in events)
            {
                Write(w, e, types);
            }

            w.WriteEndArray();
        }

        return stream.ToArray();
    }
}
