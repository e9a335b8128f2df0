using Persona.Core.Discovery;

namespace Persona.Core.Tests;

public sealed class DiscoveryTests
{
    [Fact]
    public void Quintiles_FiveDistinctValues_ScoresOneToFive()
    {
        Assert.Equal([3, 1, 5, 2, 4], RfmScoring.Quintiles([30, 10, 50, 20, 40]));
    }

    [Fact]
    public void Quintiles_TenDistinctValues_TwoPerScore()
    {
        Assert.Equal([1, 1, 2, 2, 3, 3, 4, 4, 5, 5], RfmScoring.Quintiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    }

    [Fact]
    public void Quintiles_Ties_ShareOneScore()
    {
        // mid-rank percentiles: 7 sevens → (0 + 3.5) / 10 = 0.35 → 2; 1 → 0.75 → 4; 2 twenties → (8 + 1) / 10 → 5
        Assert.Equal([2, 2, 2, 2, 2, 2, 2, 4, 5, 5], RfmScoring.Quintiles([7, 7, 7, 7, 7, 7, 7, 8, 20, 20]));
    }

    [Fact]
    public void Quintiles_OneValueOrAllEqual_MiddleScore()
    {
        Assert.Equal([3], RfmScoring.Quintiles([42]));
        Assert.Equal([3, 3, 3], RfmScoring.Quintiles([1, 1, 1]));
        Assert.Empty(RfmScoring.Quintiles([]));
    }

    [Fact]
    public void Score_RecencyReversed_MostRecentBestCell()
    {
        var customers = new[]
        {
            new RfmCustomer("a", 1, 10, 500),
            new RfmCustomer("b", 100, 1, 5),
            new RfmCustomer("c", 50, 3, 50),
            new RfmCustomer("d", 90, 8, 300),
            new RfmCustomer("e", 3, 1, 10),
        };
        var scores = RfmScoring.Score(customers);
        Assert.Equal(new RfmScore("a", 5, 5, 5, "champions"), scores[0]);
        Assert.Equal(new RfmScore("b", 1, 2, 1, "hibernating"), scores[1]); // F: two ones share (0 + 1) / 5 → 2
        Assert.Equal(new RfmScore("c", 3, 3, 3, "need-attention"), scores[2]);
        Assert.Equal(new RfmScore("d", 2, 4, 4, "at-risk"), scores[3]);
        Assert.Equal(new RfmScore("e", 4, 2, 2, "potential-loyalists"), scores[4]);
        var cells = RfmScoring.Summarise(customers, scores);
        Assert.Equal(RfmScoring.Cells.Count, cells.Count);
        Assert.Equal(new RfmCell("champions", 1, 1, 10, 500), cells[0]);
        Assert.Equal(0, cells.Single(c => c.Name == "cant-lose").Customers);
    }

    [Theory]
    [InlineData(5, 5, "champions")]
    [InlineData(5, 1, "new-customers")]
    [InlineData(4, 1, "promising")]
    [InlineData(3, 5, "loyal-customers")]
    [InlineData(3, 3, "need-attention")]
    [InlineData(3, 2, "about-to-sleep")]
    [InlineData(2, 5, "cant-lose")]
    [InlineData(1, 3, "at-risk")]
    [InlineData(2, 2, "hibernating")]
    [InlineData(5, 3, "potential-loyalists")]
    public void Cell_ScorePairs_StandardMap(int r, int f, string cell)
    {
        Assert.Equal(cell, RfmScoring.Cell(r, f));
    }

    [Fact]
    public void Fit_SameSeed_SameClustering()
    {
        var rng = new Random(3);
        var points = Enumerable.Range(0, 200).Select(_ => new[] { rng.NextDouble(), rng.NextDouble(), rng.NextDouble() }).ToList();
        var a = KMeans.Fit(points, 5, seed: 11);
        var b = KMeans.Fit(points, 5, seed: 11);
        Assert.Equal(a.Assignments, b.Assignments);
        Assert.Equal(a.Inertia, b.Inertia);
        for (var c = 0; c < 5; c++)
        {
            Assert.Equal(a.Centroids[c], b.Centroids[c]);
        }
    }

    [Fact]
    public void Fit_ThreePlantedClusters_RecoversThemExactly()
    {
        var rng = new Random(5);
        double[][] centres = [[0, 0], [10, 0], [0, 10]];
        var points = new List<double[]>();
        var truth = new List<int>();
        for (var i = 0; i < 300; i++)
        {
            var c = i % 3;
            points.Add([centres[c][0] + (rng.NextDouble() - 0.5), centres[c][1] + (rng.NextDouble() - 0.5)]);
            truth.Add(c);
        }

        var fit = KMeans.Fit(points, 3, seed: 1);

        // Every planted cluster maps to exactly one found cluster, and back.
        var pairs = truth.Zip(fit.Assignments).Distinct().ToList();
        Assert.Equal(3, pairs.Count);
        Assert.Equal(3, pairs.Select(p => p.Second).Distinct().Count());
    }

    [Fact]
    public void Standardize_Columns_MeanZeroUnitDeviationConstantZero()
    {
        var z = KMeans.Standardize([[1, 5], [3, 5]]);
        Assert.Equal([-1.0, 0.0], z[0]);
        Assert.Equal([1.0, 0.0], z[1]);
    }

    [Fact]
    public void Fit_KAbovePoints_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KMeans.Fit([[1.0]], 2, seed: 1));
    }
}
