using Persona.Core.Catalog;
using Persona.Datasets;
using Persona.Evaluation.Protocols;
using Persona.Evaluation.Recommenders;
using Persona.Models.Collaborative;
using Persona.Models.Interest;
using Persona.Models.Sequence;
using Persona.Synthetic;

namespace Persona.Evaluation.Tests;

/// <summary>The learned models under the evaluation protocols, on data where the answer is known.</summary>
public sealed class LearnedModelProtocolTests
{
    [Fact]
    public void LeaveOneOut_SequenceModelOnSuccessorWalks_FarAbovePopularity()
    {
        // Users walk the item ring i → i + 1; the test item is always the successor of the last known one.
        var rng = new Random(5);
        var data = Dataset([.. Enumerable.Range(0, 300).Select(_ => { var s = rng.Next(40); return Enumerable.Range(0, rng.Next(5, 12)).Select(k => (s + k) % 40).ToArray(); })], 40);
        var model = new SequenceModel(new SequenceModelOptions { Dimension = 16, Blocks = 1, Dropout = 0.1f, MaxEpochs = 25, Patience = 5, Threads = 1, BatchSize = 32, LearningRate = 5e-3f });
        var (m, users) = LeaveOneOut.Run(data, model);
        var (p, _) = LeaveOneOut.Run(data, new PopularityModel());
        Assert.Equal(300, users);
        Assert.True(m["hr@5"] > 0.9, $"sequence HR@5 {m["hr@5"]}");
        Assert.True(p["hr@5"] < 0.3, $"popularity HR@5 {p["hr@5"]}");
        Assert.NotNull(model.Trained);
    }

    [Fact]
    public void Stratified_VaeOnTwoTasteGroups_RecommendsWithinTheGroup()
    {
        var rng = new Random(6);
        var data = Dataset([.. Enumerable.Range(0, 300).Select(u => Enumerable.Range(0, 30).OrderBy(_ => rng.Next()).Take(16).Select(i => i + (u % 2 * 30)).ToArray())], 60);
        var model = new VaeModel(new VaeOptions { Hidden = 32, Latent = 8, MaxEpochs = 40, Patience = 40, Threads = 1, BatchSize = 32, LearningRate = 3e-3f, AnnealSteps = 200 });
        var (m, users) = StratifiedSplit.Run(data, model);
        Assert.Equal(300, users);
        // Each user has 4 test items among the 26 unseen items of its group (out of 56 unseen in all): a
        // model that ranks its own group first reaches P@10 ≈ 10 · 4/26 / 10 ≈ 0.15, one that cannot ≈ 0.07.
        Assert.True(m["precision@10"] > 0.12, $"vae P@10 {m["precision@10"]}");
        Assert.Empty(model.Trials); // no search: the given options
    }

    [Fact]
    public void Churn_SyntheticShop_EveryPredictorScoredAndMlpBeatsTheBaseRate()
    {
        var shop = new SyntheticShop(new ShopOptions { Seed = 4, Users = 300, Items = 500, Events = 30_000, ChurnShare = 0.3, Horizon = TimeSpan.FromDays(20) });
        var events = shop.Events().ToList();
        var (m, rows, calibration) = ChurnProtocol.Run(events, shop.Catalog, null, windowDays: 2, new InterestMlpOptions { MaxEpochs = 10, Threads = 1 }, stepDays: 1);
        Assert.Equal(m["churn.rows.test"], rows);
        foreach (var outcome in new[] { "churn", "purchase" })
        {
            foreach (var predictor in new[] { "base_rate", "recency", "mlp" })
            {
                Assert.InRange(m[$"{outcome}.{predictor}.auc"], 0, 1);
                Assert.Equal(10, calibration[$"{outcome}.{predictor}"].Count);
                Assert.Equal(rows, calibration[$"{outcome}.{predictor}"].Sum(b => b.Rows));
            }
        }

        Assert.Equal(0.5, m["churn.base_rate.auc"]);
        Assert.True(m["churn.mlp.log_loss"] < m["churn.base_rate.log_loss"], $"mlp {m["churn.mlp.log_loss"]}, base rate {m["churn.base_rate.log_loss"]}");
        Assert.True(m["churn.mlp.auc"] > 0.6, $"mlp AUC {m["churn.mlp.auc"]}");
    }

    private static SequenceDataset Dataset(int[][] sequences, int items) => new()
    {
        Name = "toy",
        Sequences = [.. sequences.Select((s, u) => s.Select((item, k) => new Interaction(u, item, k * 1000L)).ToArray())],
        UserIds = [.. sequences.Select((_, u) => "u" + u)],
        ItemIds = [.. Enumerable.Range(0, items).Select(i => "i" + i)],
        Catalog = [.. Enumerable.Range(0, items).Select(i => new CatalogItem { ItemId = "i" + i })],
    };
}
