using Persona.Evaluation.Protocols;
using Persona.Synthetic;

namespace Persona.Evaluation.Tests;

public sealed class FreshnessProtocolTests
{
    private static SyntheticShop Shop() => new(new ShopOptions
    {
        Seed = 5,
        Users = 300,
        Items = 1_500,
        Events = 40_000,
        MeanSessionGap = TimeSpan.FromDays(1),
        Horizon = TimeSpan.FromDays(20),
        DriftShare = 1.0,
    });

    [Fact]
    public void Run_PlantedDrift_LiveProfilesBeatFrozenOnes()
    {
        var (m, evaluated) = FreshnessProtocol.Run(Shop(), k: 10);
        Assert.True(evaluated > 20_000, $"{evaluated} evaluated");
        Assert.True(m["live.hr@10"] > m["frozen.hr@10"], $"live {m["live.hr@10"]} frozen {m["frozen.hr@10"]}");
        Assert.Equal(Math.Round((m["live.hr@10"] / m["frozen.hr@10"]) - 1, 6), m["gain_vs_frozen.hr@10"]);
        Assert.Contains("periodic_24h.ndcg@10", m.Keys);
        Assert.Contains("window_01.live.hr@10", m.Keys);
    }

    [Fact]
    public void Run_SameSeed_SameMetrics()
    {
        Assert.Equal(FreshnessProtocol.Run(Shop()).Metrics, FreshnessProtocol.Run(Shop()).Metrics);
    }
}
