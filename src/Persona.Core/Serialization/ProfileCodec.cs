using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Persona.Core.Engine;

namespace Persona.Core.Serialization;

/// <summary>
/// Compact binary encoding of <see cref="ProfileState"/>: varints, times as deltas from first-seen, sparse
/// counters. Decoding validates bounds and throws <see cref="FormatException"/>.
/// </summary>
/// <remarks>
/// Version 4 (written) is version 3 with the domain and platform counts at the end. Version 3 is version 2 with the
/// satisfaction sums after the recent items. Version 2 is version 1
/// followed by a 32-bit checksum (the low half of XXH3 over everything
/// before it), so that an encoding damaged anywhere between the engine and a backend that does not checksum
/// its values (a cache, a Redis server) is refused instead of decoded into a wrong profile. Version 1 and 2
/// and 3 encodings are still read (without what they lack), and are rewritten as version 4 when the profile next changes.
/// </remarks>
public static class ProfileCodec
{
    /// <summary>The version <see cref="Write"/> produces.</summary>
    public const byte CurrentVersion = 4;

    private const byte Version1 = 1;
    private const byte Version2 = 2;
    private const byte Version3 = 3;
    private const int ChecksumLength = 4;

    public static void Write(ProfileState s, BinaryWriterBuffer w)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(w);
        var start = w.Length;
        w.WriteByte(CurrentVersion);
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
            w.WriteUInt64(s.Interests[i].Key);
            w.WriteDouble(s.Interests[i].Value);
        }

        w.WriteVarUInt((ulong)s.TypeCount);
        for (var i = 0; i < s.TypeCount; i++)
        {
            var t = s.TypeSlots[i];
            w.WriteByte(t.Type);
            w.WriteVarInt(t.Count);
            w.WriteVarInt(t.LastMs - baseMs);
            for (var c = 0; c < 3; c++)
            {
                WriteCounter(s.WindowPairsOf(i, c), w);
            }
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

        WriteLabels(s.Labels, CountedLabels.Device, w);
        WriteLabels(s.Labels, CountedLabels.Channel, w);

        w.WriteVarUInt((ulong)s.Recent.Count);
        for (var i = 0; i < s.Recent.Count; i++)
        {
            var r = s.Recent[i];
            w.WriteString(r.ItemId);
            w.WriteByte(r.Type);
            w.WriteVarInt(r.TimeMs - baseMs);
            w.WriteUInt64(r.Tiebreak);
        }

        w.WriteVarInt(s.SatisfactionSignals);
        if (s.SatisfactionSignals > 0)
        {
            w.WriteDouble(s.SatisfactionSum);
            w.WriteDouble(s.SatisfactionWeight);
            w.WriteVarInt(s.SatisfactionRefMs - baseMs);
        }

        WriteLabels(s.Labels, CountedLabels.Domain, w);
        WriteLabels(s.Labels, CountedLabels.Platform, w);

        w.WriteUInt32(Checksum(w.WrittenSpan[start..]));
    }

    /// <summary>The encoding version of <paramref name="data"/> (its first byte); throws for an empty one.</summary>
    public static byte VersionOf(ReadOnlySpan<byte> data) =>
        data.IsEmpty ? throw new FormatException("empty profile encoding") : data[0];

    public static byte[] Serialize(ProfileState s)
    {
        var w = new BinaryWriterBuffer(512);
        Write(s, w);
        return w.ToArray();
    }

    /// <summary>The log position an encoded profile reflects, read from its header without decoding the rest.</summary>
    public static long ReadAppliedSeq(ReadOnlySpan<byte> data)
    {
        var r = new BinaryReaderSpan(data);
        if (r.ReadByte() is not (Version1 or Version2 or Version3 or CurrentVersion))
        {
            throw new FormatException($"unknown profile encoding version {data[0]}");
        }

        _ = r.ReadString();
        return r.ReadVarInt();
    }

    public static ProfileState Deserialize(ReadOnlySpan<byte> data) => Deserialize(data, null);

    /// <summary>
    /// Decodes a profile into <paramref name="reuse"/> (emptied first with <see cref="ProfileState.Reset"/>,
    /// its arrays kept where they are large enough), or into a new state when it is null; returns the state.
    /// Should decoding fail, <paramref name="reuse"/> is left partly filled and must be reset before use.
    /// </summary>
    public static ProfileState Deserialize(ReadOnlySpan<byte> data, ProfileState? reuse)
    {
        var version = VersionOf(data);
        if (version is Version2 or Version3 or CurrentVersion)
        {
            if (data.Length < 1 + ChecksumLength || BinaryPrimitives.ReadUInt32LittleEndian(data[^ChecksumLength..]) != Checksum(data[..^ChecksumLength]))
            {
                throw new FormatException("profile encoding checksum mismatch");
            }

            data = data[..^ChecksumLength];
        }
        else if (version != Version1)
        {
            throw new FormatException($"unknown profile encoding version {version}");
        }

        var r = new BinaryReaderSpan(data);
        r.ReadByte();

        var userId = r.ReadString() ?? throw new FormatException("missing user id");
        var s = reuse ?? new ProfileState(userId);
        if (reuse is not null)
        {
            reuse.Reset(userId);
        }

        s.AppliedSeq = r.ReadVarInt();
        s.EventCount = r.ReadVarInt();
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
        if (s.Interests.Length < n)
        {
            s.Interests = new InterestEntry[n];
        }

        for (var i = 0; i < n; i++)
        {
            s.Interests[i] = new InterestEntry { Key = r.ReadUInt64(), Value = r.ReadDouble() };
        }

        s.InterestCount = n;
        var types = r.ReadCount(256);
        if (s.TypeSlots.Length < types)
        {
            s.TypeSlots = new TypeSlot[types];
        }

        s.TypeCount = types;
        // Every counter's pairs go into one array; read into a pooled one first (the total is not stored).
        var pairs = ArrayPool<int>.Shared.Rent(256);
        var used = 0;
        try
        {
            for (var i = 0; i < types; i++)
            {
                ref var t = ref s.TypeSlots[i];
                t = default;
                t.Type = r.ReadByte();
                t.Count = r.ReadVarInt();
                t.LastMs = baseMs + r.ReadVarInt();
                for (var c = 0; c < 3; c++)
                {
                    ref var seg = ref t.Counters[c];
                    seg.Start = used / 2;
                    seg.Length = seg.Capacity = ReadCounter(ref pairs, ref used, TypeSlot.Keep(c), ref r);
                }
            }

            if (s.WindowPairs.Length < used)
            {
                s.WindowPairs = new int[used];
            }

            pairs.AsSpan(0, used).CopyTo(s.WindowPairs);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(pairs);
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

        ReadLabels(ref s.Labels, CountedLabels.Device, ref r);
        ReadLabels(ref s.Labels, CountedLabels.Channel, ref r);
        var recent = r.ReadCount(1000);
        s.Recent.Reserve(recent);
        for (var i = 0; i < recent; i++)
        {
            var item = r.ReadString() ?? throw new FormatException("missing item id");
            var type = r.ReadByte();
            var time = baseMs + r.ReadVarInt();
            s.Recent.Append(new RecentItem(item, type, time, r.ReadUInt64()));
        }

        ReadLater(version, s, baseMs, ref r);
        if (r.Remaining != 0)
        {
            throw new FormatException($"{r.Remaining} bytes after the profile encoding");
        }

        return s;
    }

    /// <summary>What later versions added at the end: satisfaction (3) and the domain and platform counts (4).</summary>
    private static void ReadLater(byte version, ProfileState s, long baseMs, ref BinaryReaderSpan r)
    {
        if (version >= Version3)
        {
            s.SatisfactionSignals = r.ReadVarInt();
            if (s.SatisfactionSignals < 0)
            {
                throw new FormatException("negative satisfaction signal count");
            }

            if (s.SatisfactionSignals > 0)
            {
                s.SatisfactionSum = r.ReadDouble();
                s.SatisfactionWeight = r.ReadDouble();
                s.SatisfactionRefMs = baseMs + r.ReadVarInt();
            }
        }

        if (version >= CurrentVersion)
        {
            ReadLabels(ref s.Labels, CountedLabels.Domain, ref r);
            ReadLabels(ref s.Labels, CountedLabels.Platform, ref r);
        }
    }

    private static uint Checksum(ReadOnlySpan<byte> data) => (uint)XxHash3.HashToUInt64(data);

    private static void WriteCounter(ReadOnlySpan<int> pairs, BinaryWriterBuffer w)
    {
        w.WriteVarUInt((ulong)(pairs.Length / 2));
        var prev = 0L;
        for (var i = 0; i < pairs.Length; i += 2)
        {
            w.WriteVarInt(pairs[i] - prev);
            prev = pairs[i];
            w.WriteVarInt(pairs[i + 1]);
        }
    }

    /// <summary>Reads one counter's pairs onto the first <paramref name="used"/> ints of <paramref name="pairs"/> (a pooled array, replaced when too small); returns how many.</summary>
    private static int ReadCounter(ref int[] pairs, ref int used, int keep, ref BinaryReaderSpan r)
    {
        var n = r.ReadCount(keep + 1);
        if (used + (2 * n) > pairs.Length)
        {
            var larger = ArrayPool<int>.Shared.Rent(Math.Max(2 * pairs.Length, used + (2 * n)));
            pairs.AsSpan(0, used).CopyTo(larger);
            ArrayPool<int>.Shared.Return(pairs);
            pairs = larger;
        }

        var prev = 0L;
        for (var i = 0; i < n; i++)
        {
            prev += r.ReadVarInt();
            pairs[used++] = (int)prev;
            pairs[used++] = (int)r.ReadVarInt();
        }

        return n;
    }

    private static void WriteLabels(in CountedLabels labels, byte kind, BinaryWriterBuffer w)
    {
        w.WriteVarUInt((ulong)labels.CountOf(kind));
        for (var i = 0; i < labels.Total; i++)
        {
            var (entryKind, label, count) = labels.At(i);
            if (entryKind == kind)
            {
                w.WriteString(label);
                w.WriteVarInt(count);
            }
        }
    }

    private static void ReadLabels(ref CountedLabels labels, byte kind, ref BinaryReaderSpan r)
    {
        var n = r.ReadCount(CountedLabels.Cap);
        for (var i = 0; i < n; i++)
        {
            labels.Restore(kind, r.ReadString() ?? string.Empty, r.ReadVarInt());
        }
    }
}
