using Persona.Core.Engine;
using Persona.Core.Serialization;

using Persona.Storage.Cache;

namespace Persona.Storage.Tests;

public sealed class CachedProfileTests
{
    private static byte[] Encoded(string userId, long events)
    {
        var state = new ProfileState(userId) { AppliedSeq = events };
        return ProfileCodec.Serialize(state);
    }

    [Fact]
    public void TryRead_NeverPublished_FalseAndNotEvicted()
    {
        var entry = new CachedProfile("u1");

        Assert.False(entry.TryRead(ProfileCodec.Deserialize, out _, out var evicted));
        Assert.False(evicted);
        Assert.Equal(0, entry.EncodedLength);
    }

    [Fact]
    public void Publish_Twice_DecodesTheLatestAndReturnsTheSizeChange()
    {
        var entry = new CachedProfile("u1");
        var first = Encoded("u1", 7);
        var second = Encoded("u1", 1_000_000);

        Assert.Equal(first.Length, entry.Publish(first));
        Assert.Equal(second.Length - first.Length, entry.Publish(second));

        Assert.True(entry.TryRead(ProfileCodec.Deserialize, out var state, out _));
        Assert.Equal(1_000_000, state.AppliedSeq);
        Assert.True(entry.TryRead(ProfileCodec.ReadAppliedSeq, out var seq, out _));
        Assert.Equal(1_000_000, seq);
        Assert.Equal(second.Length, entry.EncodedLength);
    }

    [Fact]
    public void Free_Published_ReleasesItsBytesAndLaterReadsReportEviction()
    {
        var entry = new CachedProfile("u1");
        var bytes = Encoded("u1", 3);
        entry.Publish(bytes);

        Assert.Equal(bytes.Length, entry.Free());
        Assert.False(entry.TryRead(ProfileCodec.Deserialize, out _, out var evicted));
        Assert.True(evicted);
        Assert.Throws<InvalidOperationException>(() => entry.Publish(bytes));
    }
}
