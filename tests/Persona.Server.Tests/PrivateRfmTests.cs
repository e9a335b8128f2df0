using Persona.Core.Discovery;
using Persona.Serving.Privacy;

namespace Persona.Server.Tests;

public sealed class PrivateRfmTests
{
    private static readonly List<RfmCustomer> Customers = [.. Enumerable.Range(0, 1_000).Select(i => new RfmCustomer($"c{i}", i % 400, 1 + (i % 37), 10 + i))];

    [Fact]
    public void Release_Epsilon_HistogramBinsGetScale4OverEpsilonAndCellsScale2OverEpsilon()
    {
        var scales = new List<double>();

        PrivateRfm.Release(Customers, 0.5, scale =>
        {
            scales.Add(scale);
            return 0;
        });

        var bins = PrivateRfm.RecencyEdges.Count + 1 + PrivateRfm.FrequencyEdges.Count + 1;
        Assert.Equal(Enumerable.Repeat(8.0, bins).Concat(Enumerable.Repeat(4.0, RfmScoring.Cells.Count)), scales);
    }

    [Fact]
    public void Release_NoNoise_EveryCustomerInOneCellOfTheMap()
    {
        var cells = PrivateRfm.Release(Customers, 1, _ => 0);

        Assert.Equal(RfmScoring.Cells, cells.Select(c => c.Cell));
        Assert.Equal(Customers.Count, cells.Sum(c => c.Customers));
    }

    [Fact]
    public void Release_NoNoise_CellsAgreeWithTheExactMapForMostCustomers()
    {
        var exact = RfmScoring.Summarise(Customers, RfmScoring.Score(Customers)).ToDictionary(c => c.Name, c => (long)c.Customers);

        var binned = PrivateRfm.Release(Customers, 1, _ => 0);

        // Bin-level quintiles move only customers near a quintile edge into the neighbouring cell.
        var moved = binned.Sum(c => Math.Abs(c.Customers - exact[c.Cell])) / 2;
        Assert.InRange(moved, 0, Customers.Count / 4);
    }

    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(3, 3)]
    [InlineData(100, 12)]
    [InlineData(1_000, 18)]
    public void Bin_Value_NumberOfEdgesAtOrBelowIt(double days, int bin) => Assert.Equal(bin, PrivateRfm.Bin(PrivateRfm.RecencyEdges, days));
}
