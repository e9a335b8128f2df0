using Persona.Datasets;
using Persona.Evaluation.Protocols;
using Persona.Models.Interest;
using Persona.Models.Training;
using Persona.Synthetic;

namespace Persona.Evaluation.Tests;

public sealed class NextCategoryProtocolTests
{
    [Fact]
    public void Run_SyntheticShop_MlpBeatsPriorAndProfileOnLogLoss()
    {
        var shop = new SyntheticShop(new ShopOptions { Seed = 3, Users = 200, Items = 1_000, Events = 30_000, MeanSessionGap = TimeSpan.FromDays(1) });
        var (m, rows) = NextCategoryProtocol.Run([.. shop.Events()], shop.Catalog, null, InterestTarget.NextInteraction, new InterestMlpOptions { MaxEpochs = 10 });
        Assert.Equal(m["rows.test"], rows);
        Assert.True(m["mlp.logloss"] < m["profile.logloss"], $"mlp {m["mlp.logloss"]}, profile {m["profile.logloss"]}");
        Assert.True(m["profile.logloss"] < m["prior.logloss"]);
        Assert.True(m["mlp.top1"] > m["prior.top1"]);
        Assert.InRange(m["mlp.parity_max_abs_diff"], 0, 1e-5);
        Assert.Equal(1, m["mlp.trials"]);
    }

    [Fact]
    public void Run_MovieLens_MlpBeatsProfileArgmax()
    {
        var d = DatasetLoader.LoadEvents("movielens", SharedData.Dataset("movielens-100k"));
        var (m, _) = NextCategoryProtocol.Run(d.Events, d.Catalog, null, InterestTarget.NextInteraction, new InterestMlpOptions { MaxEpochs = 6 });
        Assert.Equal(19, m["labels"]);
        Assert.Equal(19_809, m["rows.test"]);
        Assert.True(m["mlp.top1"] > m["profile.top1"] && m["profile.top1"] > m["prior.top1"], $"mlp {m["mlp.top1"]}, profile {m["profile.top1"]}, prior {m["prior.top1"]}");
        Assert.True(m["mlp.logloss"] < m["profile.logloss"]);
    }

    [Fact]
    public void Measure_TiesCountAgainstTheLabel()
    {
        var rows = new LabelledRows(1, 6);
        rows.Add([0], 2);
        var (top1, top5, loss) = NextCategoryProtocol.Measure(rows, (_, p) => p.Fill(1f / 6));
        Assert.Equal(0, top1); // six-way tie: the label is ranked last
        Assert.Equal(0, top5);
        Assert.Equal(Math.Log(6), loss, 6);
    }
}
