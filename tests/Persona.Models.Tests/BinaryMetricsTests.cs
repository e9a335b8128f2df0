using Persona.Models.Training;

namespace Persona.Models.Tests;

public sealed class BinaryMetricsTests
{
    [Fact]
    public void Auc_PerfectInvertedAndTied_ExactValues()
    {
        Assert.Equal(1.0, BinaryMetrics.Auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]));
        Assert.Equal(0.0, BinaryMetrics.Auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]));
        Assert.Equal(0.5, BinaryMetrics.Auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]));
        // Pairs (pos, neg): (0.4 vs 0.1) win, (0.4 vs 0.4) half, (0.7 vs both) win → 3.5 / 4.
        Assert.Equal(0.875, BinaryMetrics.Auc([0.1, 0.4, 0.4, 0.7], [0, 0, 1, 1]));
        Assert.True(double.IsNaN(BinaryMetrics.Auc([0.1, 0.2], [1, 1])));
    }

    [Fact]
    public void LogLossAndBrier_KnownValues()
    {
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.6)) / 2, BinaryMetrics.LogLoss([0.8, 0.4], [1, 0]), 12);
        Assert.Equal(((0.2 * 0.2) + (0.4 * 0.4)) / 2, BinaryMetrics.Brier([0.8, 0.4], [1, 0]), 12);
        Assert.Equal(-Math.Log(1e-7), BinaryMetrics.LogLoss([0.0], [1]), 6); // clipped, not infinite
    }

    [Fact]
    public void Calibration_TenBins_MeansPerBin()
    {
        var bins = BinaryMetrics.Calibration([0.05, 0.15, 0.12, 0.95, 1.0], [0, 1, 0, 1, 1]);
        Assert.Equal(10, bins.Count);
        Assert.Equal((1, 0.05, 0.0), (bins[0].Rows, bins[0].MeanPredicted, bins[0].Observed));
        Assert.Equal(2, bins[1].Rows);
        Assert.Equal(0.135, bins[1].MeanPredicted, 12);
        Assert.Equal(0.5, bins[1].Observed);
        Assert.Equal((2, 1.0), (bins[9].Rows, bins[9].Observed)); // 1.0 falls in the last bin
        Assert.True(double.IsNaN(bins[5].MeanPredicted));
    }

    [Theory]
    [InlineData(new[] { 0.5 }, new[] { 2 })]
    [InlineData(new[] { 1.5 }, new[] { 1 })]
    [InlineData(new[] { double.NaN }, new[] { 1 })]
    [InlineData(new double[0], new int[0])]
    [InlineData(new[] { 0.5, 0.5 }, new[] { 1 })]
    public void Metrics_BadInput_Throw(double[] p, int[] y)
    {
        Assert.Throws<ArgumentException>(() => BinaryMetrics.Auc(p, y));
        Assert.Throws<ArgumentException>(() => BinaryMetrics.LogLoss(p, y));
    }
}
