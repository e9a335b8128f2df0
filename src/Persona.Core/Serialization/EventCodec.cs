using Persona.Core.Events;

namespace Persona.Core.Serialization;

/// <summary>
/// Compact binary encoding of <see cref="BehaviorEvent"/> for the durable event log (version 1). A field-presence
/// bit set leads the encoding, so a field added later (review sentiment) is read as absent from older encodings.
/// </summary>
public static class EventCodec
{
    /// <summary>The version <see cref="Write"/> produces (the encoding's first byte).</summary>
    public const byte CurrentVersion = 1;

    private const byte Version = CurrentVersion;

    [Flags]
    private enum Fields : ushort
    {
        None = 0,
        Session = 1,
        Item = 2,
        Price = 4,
        Quantity = 8,
        Currency = 16,
        Rating = 32,
        Text = 64,
        Recommendation = 128,
        Context = 256,
        Sentiment = 512,
        Domain = 1024,
        Platform = 2048,
    }

    public static void Write(BehaviorEvent e, BinaryWriterBuffer w)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(w);
        var f = FieldsOf(e);
        w.WriteByte(Version);
        w.WriteVarUInt((ulong)f);
        w.WriteString(e.EventId);
        w.WriteByte(e.Type);
        w.WriteString(e.UserId);
        w.WriteVarInt(e.TimestampMs);
        if (e.SessionId is not null)
        {
            w.WriteString(e.SessionId);
        }

        if (e.ItemId is not null)
        {
            w.WriteString(e.ItemId);
        }

        if (e.Price is { } price)
        {
            w.WriteDouble(price);
        }

        if (e.Quantity is { } q)
        {
            w.WriteVarInt(q);
        }

        if (e.Currency is not null)
        {
            w.WriteString(e.Currency);
        }

        if (e.Rating is { } rating)
        {
            w.WriteVarInt(rating);
        }

        if (e.Text is not null)
        {
            w.WriteString(e.Text);
        }

        if (e.RecommendationId is not null)
        {
            w.WriteString(e.RecommendationId);
        }

        if (e.Context is { } c)
        {
            w.WriteString(c.Device);
            w.WriteString(c.Channel);
            w.WriteString(c.Page);
            var values = c.Values ?? new Dictionary<string, string>();
            w.WriteVarUInt((ulong)values.Count);
            foreach (var (k, v) in values)
            {
                w.WriteString(k);
                w.WriteString(v);
            }
        }

        WriteLater(e, w);
    }

    private static Fields FieldsOf(BehaviorEvent e)
    {
        var f = e.SessionId is null ? Fields.None : Fields.Session;
        f |= e.ItemId is null ? 0 : Fields.Item;
        f |= e.Price is null ? 0 : Fields.Price;
        f |= e.Quantity is null ? 0 : Fields.Quantity;
        f |= e.Currency is null ? 0 : Fields.Currency;
        f |= e.Rating is null ? 0 : Fields.Rating;
        f |= e.Text is null ? 0 : Fields.Text;
        f |= e.RecommendationId is null ? 0 : Fields.Recommendation;
        f |= e.Context is null ? 0 : Fields.Context;
        f |= e.Sentiment is null ? 0 : Fields.Sentiment;
        f |= e.Domain is null ? 0 : Fields.Domain;
        f |= e.Platform is null ? 0 : Fields.Platform;
        return f;
    }

    /// <summary>The fields added after the first encoding's, in the order of their flags.</summary>
    private static void WriteLater(BehaviorEvent e, BinaryWriterBuffer w)
    {
        if (e.Sentiment is { } sentiment)
        {
            w.WriteDouble(sentiment);
        }

        if (e.Domain is not null)
        {
            w.WriteString(e.Domain);
        }

        if (e.Platform is not null)
        {
            w.WriteString(e.Platform);
        }
    }

    public static byte[] Serialize(BehaviorEvent e)
    {
        var w = new BinaryWriterBuffer(128);
        Write(e, w);
        return w.ToArray();
    }

    /// <summary>
    /// Reads only an encoded event's id (its UTF-8 bytes, a slice of <paramref name="data"/>) and timestamp,
    /// without decoding the rest: what rebuilding a deduplication index needs.
    /// </summary>
    public static ReadOnlySpan<byte> ReadIdAndTime(ReadOnlySpan<byte> data, out long timestampMs) => ReadHeader(data, out _, out timestampMs);

    /// <summary>Like <see cref="ReadIdAndTime"/>, with the event's type code as well.</summary>
    public static ReadOnlySpan<byte> ReadHeader(ReadOnlySpan<byte> data, out byte type, out long timestampMs)
    {
        var r = new BinaryReaderSpan(data);
        if (r.ReadByte() != Version)
        {
            throw new FormatException("unknown event encoding version");
        }

        _ = r.ReadVarUInt();
        var idLength = r.ReadStringBytes().Length;
        var offset = r.Position - idLength;
        type = r.ReadByte();
        _ = r.ReadStringBytes();
        timestampMs = r.ReadVarInt();
        return data.Slice(offset, idLength);
    }

    public static BehaviorEvent Deserialize(ReadOnlySpan<byte> data)
    {
        var r = new BinaryReaderSpan(data);
        if (r.ReadByte() != Version)
        {
            throw new FormatException("unknown event encoding version");
        }

        var f = (Fields)r.ReadVarUInt();
        var id = r.ReadString() ?? throw new FormatException("missing event id");
        var type = r.ReadByte();
        var user = r.ReadString() ?? throw new FormatException("missing user id");
        var time = r.ReadVarInt();
        var session = f.HasFlag(Fields.Session) ? r.ReadString() : null;
        var item = f.HasFlag(Fields.Item) ? r.ReadString() : null;
        double? price = f.HasFlag(Fields.Price) ? r.ReadDouble() : null;
        int? quantity = f.HasFlag(Fields.Quantity) ? (int)r.ReadVarInt() : null;
        var currency = f.HasFlag(Fields.Currency) ? r.ReadString() : null;
        int? rating = f.HasFlag(Fields.Rating) ? (int)r.ReadVarInt() : null;
        var text = f.HasFlag(Fields.Text) ? r.ReadString() : null;
        var reco = f.HasFlag(Fields.Recommendation) ? r.ReadString() : null;
        EventContext? context = null;
        if (f.HasFlag(Fields.Context))
        {
            var device = r.ReadString();
            var channel = r.ReadString();
            var page = r.ReadString();
            var n = r.ReadCount(1024);
            Dictionary<string, string>? values = n == 0 ? null : new(n, StringComparer.Ordinal);
            for (var i = 0; i < n; i++)
            {
                values![r.ReadString() ?? string.Empty] = r.ReadString() ?? string.Empty;
            }

            context = new EventContext { Device = device, Channel = channel, Page = page, Values = values };
        }

        double? sentiment = f.HasFlag(Fields.Sentiment) ? r.ReadDouble() : null;
        var domain = f.HasFlag(Fields.Domain) ? r.ReadString() : null;
        var platform = f.HasFlag(Fields.Platform) ? r.ReadString() : null;

        return new BehaviorEvent
        {
            EventId = id,
            Type = type,
            UserId = user,
            TimestampMs = time,
            SessionId = session,
            ItemId = item,
            Price = price,
            Quantity = quantity,
            Currency = currency,
            Rating = rating,
            Text = text,
            RecommendationId = reco,
            Context = context,
            Sentiment = sentiment,
            Domain = domain,
            Platform = platform,
        };
    }
}
