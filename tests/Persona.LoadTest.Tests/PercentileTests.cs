namespace Persona.LoadTest.Tests;

public sealed class PercentileTests
{
    private static readonly double[] Hundred = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

    [Theory]
    [InlineData(0.5, 50)]
    [InlineData(0.9, 90)]
    [InlineData(0.99, 99)]
    [InlineData(0.999, 100)]
    [InlineData(1, 100)]
    public void NearestRank_OneToHundred_ValueAtRankCeilingQN(double q, double expected)
    {
        Assert.Equal(expected, Percentile.NearestRank(Hundred, q));
    }

    [Fact]
    public void NearestRank_EvenCountMedian_LowerMiddleValue()
    {
        Assert.Equal(2, Percentile.NearestRank([1, 2, 3, 4], 0.5));
    }

    [Fact]
    public void NearestRank_ProductJustAboveWholeNumber_ThatRank()
    {
        // 0.07 * 100 is 7.000000000000001 in floating point: rank 7, not 8.
        Assert.Equal(7, Percentile.NearestRank(Hundred, 0.07));
    }

    [Fact]
    public void NearestRank_SmallQ_FirstValue()
    {
        Assert.Equal(7, Percentile.NearestRank([7, 8, 9], 0.001));
    }

    [Fact]
    public void NearestRank_Empty_Zero()
    {
        Assert.Equal(0, Percentile.NearestRank([], 0.99));
    }

    [Fact]
    public void Ms_Fraction_RoundedToThreeDecimals()
    {
        Assert.Equal(1.235, Percentile.Ms([1.23456], 0.5));
    }
}
