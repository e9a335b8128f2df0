using Persona.Core.Catalog;
using Persona.Datasets;
using Persona.Evaluation.Protocols;
using Persona.Evaluation.Recommenders;

namespace Persona.Evaluation.Tests;

public sealed class LeaveOneOutTests
{
    private static SequenceDataset Toy(params int[][] sequences)
    {
        var items = sequences.SelectMany(s => s).Max() + 1;
        return new SequenceDataset
        {
            Name = "toy",
            Sequences = [.. sequences.Select((s, u) => s.Select((item, k) => new Interaction(u, item, k * 1000L)).ToArray())],
            UserIds = [.. sequences.Select((_, u) => "u" + u)],
            ItemIds = [.. Enumerable.Range(0, items).Select(i => "i" + i)],
            Catalog = [.. Enumerable.Range(0, items).Select(i => new CatalogItem { ItemId = "i" + i })],
        };
    }

    [Fact]
    public void Run_Popularity_ExactRanksOnToyData()
    {
        // Training (all but test items): item 1 ×3, item 2 ×2, item 3 ×1, items 0/4 once.
        // user0 history {1,2} test 3: unseen scores 0:1,3:1,4:1 → item 3 ranks behind item 0 (tie, lower index) = 2.
        // user1 history {1,2} test 4 → behind 0 and 3 → rank 3. user2 history {1,3} test 0 → behind 2 → rank 2.
        var d = Toy([1, 2, 3], [1, 2, 4], [1, 3, 0], [0, 4]);
        var (metrics, users) = LeaveOneOut.Run(d, new PopularityModel());
        Assert.Equal(3, users);
        Assert.Equal(1.0, metrics["hr@5"]);
        Assert.Equal(Math.Round(((1 / Math.Log2(3)) + (1 / Math.Log2(4)) + (1 / Math.Log2(3))) / 3, 6), metrics["ndcg@5"]);
        Assert.Equal(Math.Round(((1 / 2.0) + (1 / 3.0) + (1 / 2.0)) / 3, 6), metrics["mrr@5"]);
    }

    [Fact]
    public void Run_BeautyBaselines_PopularityWithin15PercentOfPublishedPopRec()
    {
        var d = S3RecLoader.Load(SharedData.Dataset("amazon-beauty"));
        var (pop, users) = LeaveOneOut.Run(d, new PopularityModel());
        Assert.Equal(22_363, users);
        Assert.InRange(pop["hr@10"], 0.0152 * 0.85, 0.0152 * 1.15);
        Assert.InRange(pop["ndcg@10"], 0.0068 * 0.85, 0.0068 * 1.15);

        // Counting the test interactions too reproduces the published PopRec row exactly.
        var (leaky, _) = LeaveOneOut.Run(d, new PopularityModel(leaky: true));
        Assert.Equal(0.0152, Math.Round(leaky["hr@10"], 4));
        Assert.Equal(0.0068, Math.Round(leaky["ndcg@10"], 4));

        var (random, _) = LeaveOneOut.Run(d, new RandomModel(42));
        var (knn, _) = LeaveOneOut.Run(d, new ItemKnnModel());
        Assert.True(random["hr@10"] < pop["hr@10"] && pop["hr@10"] < knn["hr@10"]);
    }
}

public sealed class DecayedPopularityModelTests
{
    [Fact]
    public void Score_OneHalfLifeOld_CountsHalf()
    {
        const long Day = 86_400_000;
        var d = new SequenceDataset
        {
            Name = "toy",
            Sequences = [[new Interaction(0, 0, 0), new Interaction(0, 1, Day)]],
            UserIds = ["u0"],
            ItemIds = ["a", "b"],
            Catalog = [new CatalogItem { ItemId = "a" }, new CatalogItem { ItemId = "b" }],
        };
        var model = new DecayedPopularityModel(TimeSpan.FromDays(1));
        model.Fit(d, d.Sequences);
        var scores = new float[2];
        model.Score(0, [], scores);
        Assert.Equal([0.5f, 1f], scores);
    }
}
