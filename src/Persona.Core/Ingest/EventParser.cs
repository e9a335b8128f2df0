using System.Text.Json;
using Persona.Core.Events;

namespace Persona.Core.Ingest;

/// <summary>
/// Validates canonical events (JSON schema in docs/EVENTS.md). Every rejected record gets one message
/// per broken rule, naming the field: <c>timestamp: missing</c>, <c>rating: 7 is outside 1..5</c>.
/// </summary>
public sealed class EventParser
{
    private static readonly HashSet<string> ContextFields = ["device", "channel", "page"];
    private readonly EventTypes _types;
    private readonly TimeProvider _clock;
    private readonly Func<string, double>? _sentimentOf;

    /// <param name="types">The event types known (built-in and custom).</param>
    /// <param name="clock">The clock of "now" for records without a timestamp and of the future-time check.</param>
    /// <param name="sentimentOf">
    /// Scores a review's text (the probability that its writer is pleased) for review and rate events with text and no
    /// <c>sentiment</c> of their own; null leaves them without one.
    /// </param>
    public EventParser(EventTypes types, TimeProvider clock, Func<string, double>? sentimentOf = null)
    {
        _types = types;
        _clock = clock;
        _sentimentOf = sentimentOf;
    }

    /// <summary>Parses a body (JSON array or NDJSON); throws <see cref="MalformedBodyException"/> if it is not well-formed.</summary>
    /// <summary>The scorer's sentiment of a review or rate event's text; null for other events, without text or without a scorer.</summary>
    private double? SentimentOf(byte type, string? text) =>
        _sentimentOf is not null && ReviewText.IsScored(type, text) ? Math.Clamp(_sentimentOf(text!), 0, 1) : null;

    public ParsedBatch<BehaviorEvent> ParseBody(ReadOnlyMemory<byte> body) => JsonRecords.WithRecords(body, Parse);

    public ParsedBatch<BehaviorEvent> Parse(IReadOnlyList<JsonElement> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var accepted = new List<(int, BehaviorEvent)>(records.Count);
        var rejected = new List<RecordError>();
        var raw = new List<string>();
        var index = new FieldIndex(shareNames: true);
        for (var i = 0; i < records.Count; i++)
        {
            BehaviorEvent? e;
            RecordError? error;
            try
            {
                (e, error) = ParseOne(records[i], i, now, index);
            }
            catch (InvalidOperationException ex)
            {
                // A string with an unpaired surrogate escape ("\ud800") cannot be read as text: the record, not the batch, is refused.
                (e, error) = (null, new RecordError(i, null, [JsonRecords.Unreadable(ex)]));
            }

            if (e is not null)
            {
                accepted.Add((i, e));
            }
            else
            {
                rejected.Add(error!);
                raw.Add(records[i].GetRawText());
            }
        }

        return new ParsedBatch<BehaviorEvent>(accepted, rejected, raw);
    }

    /// <summary>Whether a context object has a property besides <see cref="ContextFields"/> (names compared without making strings).</summary>
    private static bool HasFreeKeys(JsonElement context)
    {
        foreach (var p in context.EnumerateObject())
        {
            var known = false;
            foreach (var name in ContextFields)
            {
                known |= p.NameEquals(name);
            }

            if (!known)
            {
                return true;
            }
        }

        return false;
    }

    public (BehaviorEvent? Event, RecordError? Error) ParseOne(JsonElement record, int index, long nowMs) => ParseOne(record, index, nowMs, new FieldIndex(shareNames: false));

    private (BehaviorEvent? Event, RecordError? Error) ParseOne(JsonElement record, int index, long nowMs, FieldIndex fields)
    {
        var f = new FieldReader(record, fields);
        if (!f.IsObject)
        {
            return (null, new RecordError(index, null, [$"record: must be an object, not {FieldReader.Kind(record)}"]));
        }

        var id = f.Id("eventId", required: true);
        byte type = 0;
        var known = false;
        var typeName = f.Text("type", 64, fields);
        if (typeName is null)
        {
            if (!f.Has("type"))
            {
                f.Errors.Add("type: missing");
            }
        }
        else if (_types.TryGetCode(typeName, out type) || _types.TryGetCode(typeName.Trim().ToLowerInvariant(), out type))
        {
            known = true;
        }
        else
        {
            f.Errors.Add($"type: '{typeName}' is not a known event type ({string.Join(", ", _types.Names)})");
        }

        var user = f.Id("userId", required: true);
        var session = f.Id("sessionId", required: false);
        var itemRequired = known && EventTypes.RequiresItem(type);
        var item = f.Id("itemId", required: itemRequired);
        var time = f.Time("timestamp", required: true, nowMs);
        var price = f.Number("price", 0, 1e9);
        var quantity = f.Integer("quantity", 1, 1_000_000);
        var currency = f.Text("currency", 3, fields);
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetter)))
        {
            f.Errors.Add($"currency: '{currency}' is not a three-letter ISO 4217 code");
        }

        var rating = f.Integer("rating", 1, 5);
        if (type == (byte)EventType.Rate && typeName is not null && rating is null && !f.Has("rating"))
        {
            f.Errors.Add("rating: missing (required for rate events)");
        }

        var text = f.Text("text");
        var sentiment = f.Number("sentiment", 0, 1);
        var domain = f.Text("domain", 64, fields);
        var platform = f.Text("platform", 64, fields);
        var reco = f.Id("recommendationId", required: false);
        EventContext? context = null;
        if (f.Get("context") is { } ctx)
        {
            if (ctx.ValueKind != JsonValueKind.Object)
            {
                f.Errors.Add($"context: must be an object, not {FieldReader.Kind(ctx)}");
            }
            else
            {
                var cf = new FieldReader(ctx);
                var device = cf.Text("device", 64, fields);
                var channel = cf.Text("channel", 64, fields);
                var page = cf.Text("page", 1024);
                if (cf.HasErrors)
                {
                    foreach (var e in cf.Errors)
                    {
                        f.Errors.Add("context." + e);
                    }
                }

                var values = HasFreeKeys(ctx) ? f.StringMap(ctx, "context", ContextFields) : null; // its messages name "context." themselves

                context = values is { Count: > 0 }
                    ? new EventContext { Device = device, Channel = channel, Page = page, Values = values }
                    : fields.Context(device, channel, page);
            }
        }

        if (f.HasErrors)
        {
            return (null, new RecordError(index, id, f.Errors));
        }

        return (new BehaviorEvent
        {
            EventId = id!,
            Type = type,
            UserId = user!,
            SessionId = session,
            ItemId = item,
            TimestampMs = time!.Value,
            Price = price,
            Quantity = quantity,
            Currency = currency?.ToUpperInvariant(),
            Rating = rating,
            Text = text,
            Sentiment = sentiment ?? SentimentOf(type, text),
            Domain = domain,
            Platform = platform,
            RecommendationId = reco,
            Context = context, // null when it has no parts (FieldIndex.Context)
        }, null);
    }
}
