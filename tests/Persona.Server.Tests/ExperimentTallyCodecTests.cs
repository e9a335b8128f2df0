using Persona.Recommend.Experiments;
using Persona.Serving.Experiments;

namespace Persona.Server.Tests;

public sealed class ExperimentTallyCodecTests
{
    private static readonly ExperimentTally Tally = new(
    [
        new ArmTally("control", 12, 120, 7, 2, [new UserTally("u1", 3, 1, 19.99), new UserTally("ü2", 0, 0, 0)]),
        new ArmTally("treatment", 1, 10, 0, 0, []),
    ]);

    [Fact]
    public void Decode_EncodedTally_EqualsTheOriginal()
    {
        var back = ExperimentTallyCodec.Decode(ExperimentTallyCodec.Encode(Tally));

        Assert.Equal(Tally.Arms.Count, back.Arms.Count);
        for (var a = 0; a < Tally.Arms.Count; a++)
        {
            Assert.Equal(Tally.Arms[a] with { Users = [] }, back.Arms[a] with { Users = [] });
            Assert.Equal(Tally.Arms[a].Users, back.Arms[a].Users);
        }
    }

    [Fact]
    public void Decode_EveryTruncation_InvalidData()
    {
        var bytes = ExperimentTallyCodec.Encode(Tally);
        for (var n = 0; n < bytes.Length; n++)
        {
            Assert.Throws<InvalidDataException>(() => ExperimentTallyCodec.Decode(bytes.AsSpan(0, n)));
        }
    }

    [Theory]
    [InlineData(new byte[] { 2, 0 })]
    [InlineData(new byte[] { 1, 0, 0 })]
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07 })]
    [InlineData(new byte[] { 1, 0x80 })]
    public void Decode_BadBytes_InvalidData(byte[] bytes) =>
        Assert.Throws<InvalidDataException>(() => ExperimentTallyCodec.Decode(bytes));
}
