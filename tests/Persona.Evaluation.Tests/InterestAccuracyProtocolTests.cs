using Persona.Evaluation.Protocols;
using Persona.Synthetic;

namespace Persona.Evaluation.Tests;

public sealed class InterestAccuracyProtocolTests
{
    [Fact]
    public void Run_SyntheticShop_ProfilesTrackPlantedInterestsAndFollowChanges()
    {
        var shop = new SyntheticShop(new ShopOptions { Seed = 9, Users = 300, Items = 1_500, Events = 40_000, MeanSessionGap = TimeSpan.FromDays(1), Horizon = TimeSpan.FromDays(20), DriftShare = 1.0 });
        var (m, users) = InterestAccuracyProtocol.Run(shop);
        Assert.Equal(300, users);
        Assert.InRange(m["cosine"], 0.6, 1.0);
        Assert.InRange(m["ndcg@3"], 0.6, 1.0);
        Assert.True(m["drifted_users"] > 100, $"{m["drifted_users"]} drifted");
        Assert.InRange(m["followed_share"], 0.3, 1.0);
        Assert.True(m["lag_p50_hours"] > 0 && m["lag_p50_hours"] <= m["lag_p90_hours"]);
        Assert.Equal(m, InterestAccuracyProtocol.Run(shop).Metrics);
    }
}
