using Persona.Core.Engine;

namespace Persona.Core.Serialization;

/// <summary>
/// Compact binary encoding of <see cref="ProfileState"/> (version 1): varints, times as deltas from
/// first-seen, sparse counters. Decoding validates bounds and throws <see cref="FormatException"/>.
/// </summary>
public static class ProfileCodec
{
    private const byte Version = 1;

    public static void Write(ProfileState s, BinaryWriterBuffer w)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(w);
        w.WriteByte(Version);
        w.WriteString(s.UserId);
        w.WriteVarInt(s.AppliedSeq);
        w.WriteVarInt(s.EventCount);
        var baseMs = s.EventCount == 0 ? 0 : s.FirstSeenMs;
        w.WriteVarInt(baseMs);
        w.WriteVarInt(s.EventCount == 0 ? 0 : s.LastSeenMs - baseMs);

        w.WriteVarInt(s.InterestCount == 0 ? 0 : s.InterestRefMs - baseMs);
        w.WriteVarUInt((ulong)s.InterestCount);
        for (var i = 0; i < s.InterestCount; i++)
        {
            w.WriteUInt64(s.InterestKeys[i]);
            w.WriteDouble(s.InterestValues[i]);
        }

        w.WriteVarUInt((ulong)s.Types.Count);
        foreach (var t in s.Types)
        {
            w.WriteByte(t.Type);
            w.WriteVarInt(t.Count);
            w.WriteVarInt(t.LastMs - baseMs);
            WriteCounter(t.Fine, w);
            WriteCounter(t.Hourly, w);
            WriteCounter(t.Daily, w);
        }

        w.WriteDouble(s.Monetary);
        w.WriteVarInt(s.Units);
        w.WriteDouble(s.PriceLogRatioSum);
        w.WriteVarInt(s.PriceLogRatioCount);
        w.WriteVarInt(s.RecoClicks);
        w.WriteVarInt(s.RecoPurchases);
        w.WriteDouble(s.RatingSum);
        w.WriteVarInt(s.RatingCount);

        w.WriteVarInt(s.SessionCount);
        w.WriteVarInt(s.ClosedSessions);
        w.WriteVarInt(s.ClosedSessionEvents);
        w.WriteVarInt(s.ClosedSessionDurationMs);
        w.WriteVarInt(s.Bounces);
        w.WriteVarInt(s.CartSessions);
        w.WriteVarInt(s.AbandonedCartSessions);
        w.WriteString(s.CurrentSessionId);
        if (s.CurrentSessionId is not null)
        {
            w.WriteVarInt(s.CurrentSessionStartMs - baseMs);
            w.WriteVarInt(s.CurrentSessionLastMs - s.CurrentSessionStartMs);
            w.WriteVarInt(s.CurrentSessionEvents);
            w.WriteByte((byte)((s.CurrentSessionCart ? 1 : 0) | (s.CurrentSessionPurchase ? 2 : 0)));
        }

        foreach (var h in s.HourOfDay)
        {
            w.WriteVarInt(h);
        }

        foreach (var d in s.DayOfWeek)
        {
            w.WriteVarInt(d);
        }

        WriteLabels(s.Devices, w);
        WriteLabels(s.Channels, w);

        w.WriteVarUInt((ulong)s.Recent.Count);
        foreach (var r in s.Recent)
        {
            w.WriteString(r.ItemId);
            w.WriteByte(r.Type);
            w.WriteVarInt(r.TimeMs - baseMs);
            w.WriteUInt64(r.Tiebreak);
        }
    }

    public static byte[] Serialize(ProfileState s)
    {
        var w = new BinaryWriterBuffer(512);
        Write(s, w);
        return w.ToArray();
    }

    public static ProfileState Deserialize(ReadOnlySpan<byte> data)
    {
        var r = new BinaryReaderSpan(data);
        if (r.ReadByte() != Version)
        {
            throw new FormatException("unknown profile encoding version");
        }

        var s = new ProfileState(r.ReadString() ?? throw new FormatException("missing user id"))
        {
            AppliedSeq = r.ReadVarInt(),
            EventCount = r.ReadVarInt(),
        };
        var baseMs = r.ReadVarInt();
        var lastDelta = r.ReadVarInt();
        if (s.EventCount > 0)
        {
            s.FirstSeenMs = baseMs;
            s.LastSeenMs = baseMs + lastDelta;
        }

        var refDelta = r.ReadVarInt();
        var n = r.ReadCount(4096);
        s.InterestRefMs = n == 0 ? long.MinValue : baseMs + refDelta;
        s.InterestKeys = new ulong[n];
        s.InterestValues = new double[n];
        for (var i = 0; i < n; i++)
        {
            s.InterestKeys[i] = r.ReadUInt64();
            s.InterestValues[i] = r.ReadDouble();
        }

        s.InterestCount = n;
        var types = r.ReadCount(256);
        for (var i = 0; i < types; i++)
        {
            var t = new TypeStats(r.ReadByte()) { Count = r.ReadVarInt() };
            t.LastMs = baseMs + r.ReadVarInt();
            ReadCounter(ref t.Fine, ref r);
            ReadCounter(ref t.Hourly, ref r);
            ReadCounter(ref t.Daily, ref r);
            s.Types.Add(t);
        }

        s.Monetary = r.ReadDouble();
        s.Units = r.ReadVarInt();
        s.PriceLogRatioSum = r.ReadDouble();
        s.PriceLogRatioCount = r.ReadVarInt();
        s.RecoClicks = r.ReadVarInt();
        s.RecoPurchases = r.ReadVarInt();
        s.RatingSum = r.ReadDouble();
        s.RatingCount = r.ReadVarInt();

        s.SessionCount = r.ReadVarInt();
        s.ClosedSessions = r.ReadVarInt();
        s.ClosedSessionEvents = r.ReadVarInt();
        s.ClosedSessionDurationMs = r.ReadVarInt();
        s.Bounces = r.ReadVarInt();
        s.CartSessions = r.ReadVarInt();
        s.AbandonedCartSessions = r.ReadVarInt();
        s.CurrentSessionId = r.ReadString();
        if (s.CurrentSessionId is not null)
        {
            s.CurrentSessionStartMs = baseMs + r.ReadVarInt();
            s.CurrentSessionLastMs = s.CurrentSessionStartMs + r.ReadVarInt();
            s.CurrentSessionEvents = (int)r.ReadVarInt();
            var flags = r.ReadByte();
            s.CurrentSessionCart = (flags & 1) != 0;
            s.CurrentSessionPurchase = (flags & 2) != 0;
        }

        for (var i = 0; i < 24; i++)
        {
            s.HourOfDay[i] = (int)r.ReadVarInt();
        }

        for (var i = 0; i < 7; i++)
        {
            s.DayOfWeek[i] = (int)r.ReadVarInt();
        }

        ReadLabels(s.Devices, ref r);
        ReadLabels(s.Channels, ref r);
        var recent = r.ReadCount(1000);
        for (var i = 0; i < recent; i++)
        {
            var item = r.ReadString() ?? throw new FormatException("missing item id");
            var type = r.ReadByte();
            var time = baseMs + r.ReadVarInt();
            s.Recent.Append(new RecentItem(item, type, time, r.ReadUInt64()));
        }

        return s;
    }

    private static void WriteCounter(in WindowCounter c, BinaryWriterBuffer w)
    {
        w.WriteVarUInt((ulong)c.Length);
        var prev = 0L;
        for (var i = 0; i < c.Length; i++)
        {
            w.WriteVarInt(c.BucketAt(i) - prev);
            prev = c.BucketAt(i);
            w.WriteVarInt(c.CountAt(i));
        }
    }

    private static void ReadCounter(ref WindowCounter c, ref BinaryReaderSpan r)
    {
        var n = r.ReadCount(c.Keep + 1);
        var buckets = new int[n];
        var counts = new int[n];
        var prev = 0L;
        for (var i = 0; i < n; i++)
        {
            prev += r.ReadVarInt();
            buckets[i] = (int)prev;
            counts[i] = (int)r.ReadVarInt();
        }

        c.Load(buckets, counts);
    }

    private static void WriteLabels(CountedLabels labels, BinaryWriterBuffer w)
    {
        w.WriteVarUInt((ulong)labels.Items.Count);
        foreach (var (k, v) in labels.Items)
        {
            w.WriteString(k);
            w.WriteVarInt(v);
        }
    }

    private static void ReadLabels(CountedLabels labels, ref BinaryReaderSpan r)
    {
        var n = r.ReadCount(CountedLabels.Cap);
        for (var i = 0; i < n; i++)
        {
            labels.Restore(r.ReadString() ?? string.Empty, r.ReadVarInt());
        }
    }
}
