using Persona.Core.Catalog;
using Persona.Datasets;
using Persona.Evaluation.Protocols;
using Persona.Evaluation.Recommenders;

namespace Persona.Evaluation.Tests;

public sealed class StratifiedSplitTests
{
    [Fact]
    public void Run_StratifiedToy_ExactMetrics()
    {
        // One user with 8 items: 6 train (75 %), 2 test. Popularity over training is the same for all of
        // them (1), so the top 2 unseen items are the two lowest indices not in training.
        var d = new SequenceDataset
        {
            Name = "toy",
            Sequences = [[.. Enumerable.Range(0, 8).Select(i => new Interaction(0, i, i))]],
            UserIds = ["u0"],
            ItemIds = [.. Enumerable.Range(0, 10).Select(i => "i" + i)],
            Catalog = [.. Enumerable.Range(0, 10).Select(i => new CatalogItem { ItemId = "i" + i })],
        };
        var (m, users) = StratifiedSplit.Run(d, new PopularityModel(), k: 2);
        Assert.Equal(1, users);
        Assert.Equal(1.0, m["precision@2"]);
        Assert.Equal(1.0, m["recall@2"]);
        Assert.Equal(1.0, m["ndcg@2"]);
        Assert.Equal(1.0, m["map@2"]);
    }

    [Fact]
    public void Run_Ml100kItemKnn_MatchesPublishedSarWithin10Percent()
    {
        // SAR (item-item similarity) in the Microsoft Recommenders table: nDCG@10 0.382, P@10 0.331.
        var d = MovieLensLoader.Load(SharedData.Dataset("movielens-100k"));
        var (knn, users) = StratifiedSplit.Run(d, new ItemKnnModel { Recent = int.MaxValue, RecencyWeighted = false, Neighbours = 200 });
        Assert.Equal(943, users);
        Assert.InRange(knn["ndcg@10"], 0.382 * 0.9, 0.382 * 1.1);
        Assert.InRange(knn["precision@10"], 0.331 * 0.9, 0.331 * 1.1);
        var (pop, _) = StratifiedSplit.Run(d, new PopularityModel());
        Assert.True(pop["ndcg@10"] < knn["ndcg@10"]);
    }
}
