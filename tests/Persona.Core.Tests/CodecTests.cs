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
