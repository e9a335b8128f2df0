using Persona.Storage.Cache;

namespace Persona.Storage.Tests;

public sealed class KeyFilterTests
{
    private const long Budget = 64 << 10;

    [Fact]
    public void Add_FarMoreKeysThanTheBudgetHolds_StaysWithinTheBudgetAndFindsEveryKey()
    {
        // 64 KiB hold one stage of 52,428 keys at 1 % false positives; 400,000 keys overfill it.
        var filter = new KeyFilter(1 << 18, Budget);
        for (var i = 0; i < 400_000; i++)
        {
            filter.Add("user-" + i);
        }

        Assert.True(filter.Full);
        Assert.InRange(filter.Bytes, 1, Budget);
        Assert.InRange(filter.ToBytes().Length, 1, Budget + 64);
        Assert.Equal(400_000, Enumerable.Range(0, 400_000).Count(i => filter.MayContain("user-" + i)));
    }

    [Fact]
    public void Add_WithinTheBudget_GrowsByStagesAndKeepsFalsePositivesNearOnePercent()
    {
        var filter = new KeyFilter(1_000, Budget);
        for (var i = 0; i < 20_000; i++)
        {
            filter.Add("user-" + i);
        }

        Assert.False(filter.Full);
        Assert.InRange(Enumerable.Range(0, 100_000).Count(i => filter.MayContain("other-" + i)), 1, 5_000);
    }

    [Fact]
    public void FromBytes_AFullFilterReadBackAndAddedTo_StaysWithinTheBudgetAndFindsEveryKey()
    {
        var filter = new KeyFilter(1 << 18, Budget);
        for (var i = 0; i < 100_000; i++)
        {
            filter.Add("user-" + i);
        }

        var readBack = KeyFilter.FromBytes(filter.ToBytes(), Budget);
        for (var i = 100_000; i < 200_000; i++)
        {
            readBack.Add("user-" + i);
        }

        Assert.Equal((200_000L, true), (readBack.Count, readBack.Full));
        Assert.InRange(readBack.Bytes, 1, Budget);
        Assert.Equal(200_000, Enumerable.Range(0, 200_000).Count(i => readBack.MayContain("user-" + i)));
    }

    [Fact]
    public void Validate_UserFilterBelowItsMinimum_RefusedNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => new DurableStoreOptions { UserFilterBytes = DurableStoreOptions.MinUserFilterBytes - 1 }.Validate());

        Assert.Contains("userFilterBytes: must be at least 64 KiB", error.Message, StringComparison.Ordinal);
    }
}
