using System.IO.Hashing;
using Persona.Core.Engine;
using Persona.Core.Serialization;

namespace Persona.Core.Tests;

public sealed class CodecTests
{
    [Fact]
    public void EventCodec_RoundTrip_EqualEvents()
    {
        var (_, events) = TestStreams.Shop(3, events: 300);
        foreach (var e in events)
        {
            var back = EventCodec.Deserialize(EventCodec.Serialize(e));
            Assert.Equal(e with { Context = null }, back with { Context = null });
            Assert.Equal(e.Context?.Device, back.Context?.Device);
            Assert.Equal(e.Context?.Channel, back.Context?.Channel);
        }
    }

    [Fact]
    public void EventCodec_WithSentimentDomainAndPlatform_RoundTripsAndAnEncodingWithoutThemReadsNull()
    {
        var e = new Events.BehaviorEvent { EventId = "r", Type = (byte)Events.EventType.Review, UserId = "u", TimestampMs = 5, Text = "fine", Sentiment = 0.8125, Domain = "fashion", Platform = "app" };

        Assert.Equal(e, EventCodec.Deserialize(EventCodec.Serialize(e)));
        var without = EventCodec.Deserialize(EventCodec.Serialize(e with { Sentiment = null, Domain = null, Platform = null }));
        Assert.Equal((null, null, null), (without.Sentiment, without.Domain, without.Platform));
    }

    [Fact]
    public void ProfileCodec_RoundTrip_SameBytes()
    {
        var (catalog, events) = TestStreams.Shop(5);
        var states = TestStreams.Replay(new ProfileEngine(new EngineConfig()), catalog, events);
        foreach (var s in states.Values)
        {
            var bytes = ProfileCodec.Serialize(s);
            Assert.Equal(bytes, ProfileCodec.Serialize(ProfileCodec.Deserialize(bytes)));
        }
    }

    [Fact]
    public void ProfileCodec_DecodedIntoOneReusedState_SameBytesAndSameUpdates()
    {
        var engine = new ProfileEngine(new EngineConfig());
        var (catalog, events) = TestStreams.Shop(7, users: 40, events: 1_500);
        var states = TestStreams.Replay(engine, catalog, events);
        var more = TestStreams.Shop(8, users: 40, events: 400).Events; // events of the same user ids
        var reused = new ProfileState("someone else");
        var applied = 0;

        // Large and small profiles alternate, so the reused arrays are sometimes longer than needed.
        foreach (var original in states.Values.OrderBy(s => s.EventCount % 2 == 0 ? s.EventCount : -s.EventCount))
        {
            var bytes = ProfileCodec.Serialize(original);
            var decoded = ProfileCodec.Deserialize(bytes, reused);
            Assert.Same(reused, decoded);
            Assert.Equal(bytes, ProfileCodec.Serialize(decoded));

            var fresh = ProfileCodec.Deserialize(bytes);
            foreach (var e in more.Where(e => e.UserId == original.UserId))
            {
                engine.Apply(fresh, e, catalog);
                engine.Apply(decoded, e, catalog);
                applied++;
            }

            Assert.Equal(ProfileCodec.Serialize(fresh), ProfileCodec.Serialize(decoded));
        }

        Assert.Equal(more.Count(e => states.ContainsKey(e.UserId)), applied);
        Assert.True(applied > 300, $"only {applied} later events matched the profiles");
    }

    [Fact]
    public void ProfileState_Reset_EncodesAsNewState()
    {
        var (catalog, events) = TestStreams.Shop(9, users: 1, events: 200);
        var state = TestStreams.Replay(new ProfileEngine(new EngineConfig()), catalog, events).Values.Single();

        state.Reset("u-new");

        Assert.Equal(ProfileCodec.Serialize(new ProfileState("u-new")), ProfileCodec.Serialize(state));
    }

    [Fact]
    public void ProfileCodec_Truncated_ThrowsFormatException()
    {
        var (catalog, events) = TestStreams.Shop(6, users: 1, events: 40);
        var bytes = ProfileCodec.Serialize(TestStreams.Replay(new ProfileEngine(new EngineConfig()), catalog, events).Values.Single());
        for (var n = 0; n < bytes.Length; n += 7)
        {
            Assert.Throws<FormatException>(() => ProfileCodec.Deserialize(bytes.AsSpan(0, n)));
        }
    }

    [Fact]
    public void ProfileCodec_AnyByteFlipped_RefusedNotMisread()
    {
        var (catalog, events) = TestStreams.Shop(6, users: 1, events: 60);
        var bytes = ProfileCodec.Serialize(TestStreams.Replay(new ProfileEngine(new EngineConfig()), catalog, events).Values.Single());
        Assert.Equal(ProfileCodec.CurrentVersion, bytes[0]);
        for (var i = 1; i < bytes.Length; i++)
        {
            var damaged = bytes.ToArray();
            damaged[i] ^= 0x10;
            var error = Assert.Throws<FormatException>(() => ProfileCodec.Deserialize(damaged));
            Assert.Equal("profile encoding checksum mismatch", error.Message);
        }
    }

    [Fact]
    public void ProfileCodec_Version1To3Encodings_DecodeWithoutWhatTheyLackAndAreRewrittenAsVersion4()
    {
        // Version 3 is version 4 without the domain and platform counts; version 2 is version 3 without the
        // satisfaction block; version 1 is version 2 without the trailing checksum.
        var (catalog, events) = TestStreams.Shop(5, users: 30, events: 900);
        foreach (var state in TestStreams.Replay(new ProfileEngine(new EngineConfig()), catalog, events).Values)
        {
            state.SatisfactionSignals = 0;
            state.SatisfactionSum = 0;
            state.SatisfactionWeight = 0;
            state.SatisfactionRefMs = 0;
            var v4 = ProfileCodec.Serialize(state); // ends: signal count 0, domains 0, platforms 0, checksum
            var v1 = v4[..^7];
            v1[0] = 1;
            var v2 = WithChecksum(v4[..^7], 2);
            var v3 = WithChecksum(v4[..^6], 3);

            foreach (var old in new[] { v1, v2, v3 })
            {
                Assert.Equal(v4, ProfileCodec.Serialize(ProfileCodec.Deserialize(old)));
                Assert.Equal(state.AppliedSeq, ProfileCodec.ReadAppliedSeq(old));
            }
        }
    }

    [Fact]
    public void ProfileCodec_DomainsAndPlatforms_RoundTripAndServed()
    {
        var engine = new ProfileEngine(new EngineConfig());
        var state = new ProfileState("u");
        var catalog = new Catalog.CatalogIndex();
        engine.Apply(state, new Events.BehaviorEvent { EventId = "a", Type = (byte)Events.EventType.View, UserId = "u", ItemId = "i", TimestampMs = 1, Domain = "fashion", Platform = "app" }, catalog);
        engine.Apply(state, new Events.BehaviorEvent { EventId = "b", Type = (byte)Events.EventType.View, UserId = "u", ItemId = "i", TimestampMs = 2, Domain = "fashion", Platform = "web" }, catalog);

        var view = new ProfileReader(engine).Read(ProfileCodec.Deserialize(ProfileCodec.Serialize(state)), catalog, 3);

        Assert.Equal(new Dictionary<string, long> { ["fashion"] = 2 }, view.Domains);
        Assert.Equal(new Dictionary<string, long> { ["app"] = 1, ["web"] = 1 }, view.Platforms);
    }

    private static byte[] WithChecksum(byte[] body, byte version)
    {
        var copy = body.ToArray();
        copy[0] = version;
        return [.. copy, .. BitConverter.GetBytes((uint)XxHash3.HashToUInt64(copy))];
    }

    [Fact]
    public void ProfileCodec_StateWithSatisfaction_RoundTripsExactly()
    {
        var engine = new ProfileEngine(new EngineConfig());
        var state = new ProfileState("u");
        var catalog = new Catalog.CatalogIndex();
        engine.Apply(state, new Events.BehaviorEvent { EventId = "r1", Type = (byte)Events.EventType.Review, UserId = "u", TimestampMs = 1_000, Rating = 2, Sentiment = 0.1 }, catalog);
        engine.Apply(state, new Events.BehaviorEvent { EventId = "r2", Type = (byte)Events.EventType.Rate, UserId = "u", TimestampMs = 90_000_000, Rating = 5 }, catalog);

        var decoded = ProfileCodec.Deserialize(ProfileCodec.Serialize(state));

        Assert.Equal((3L, state.SatisfactionSum, state.SatisfactionWeight, 90_000_000L), (decoded.SatisfactionSignals, decoded.SatisfactionSum, decoded.SatisfactionWeight, decoded.SatisfactionRefMs));
    }

    [Fact]
    public void ProfileCodec_TrailingBytesOrUnknownVersion_Refused()
    {
        var v1 = ProfileCodec.Serialize(new ProfileState("u"))[..^7];
        v1[0] = 1;
        Assert.Contains("bytes after the profile encoding", Assert.Throws<FormatException>(() => ProfileCodec.Deserialize([.. v1, 0])).Message, StringComparison.Ordinal);
        var v5 = ProfileCodec.Serialize(new ProfileState("u"));
        v5[0] = 5;
        Assert.Equal("unknown profile encoding version 5", Assert.Throws<FormatException>(() => ProfileCodec.Deserialize(v5)).Message);
    }

    [Fact]
    public void EventCodec_ReadHeader_IdTypeAndTimeWithoutDecoding()
    {
        var (_, events) = TestStreams.Shop(3, events: 50);
        foreach (var e in events.Append(events[0] with { EventId = "ユーザー-é-" + new string('x', 200) }))
        {
            var id = EventCodec.ReadHeader(EventCodec.Serialize(e), out var type, out var time);
            Assert.Equal(e.EventId, System.Text.Encoding.UTF8.GetString(id));
            Assert.Equal((e.Type, e.TimestampMs), (type, time));
        }
    }
}
