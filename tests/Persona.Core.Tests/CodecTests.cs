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
}
