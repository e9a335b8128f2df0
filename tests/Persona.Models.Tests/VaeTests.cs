using Persona.Models.Collaborative;

namespace Persona.Models.Tests;

public sealed class VaeTests
{
    private static readonly VaeOptions Small = new() { Hidden = 32, Latent = 8, MaxEpochs = 60, Patience = 60, Threads = 1, BatchSize = 32, LearningRate = 3e-3f, AnnealSteps = 200 };

    [Fact]
    public void Train_TwoTasteGroups_RecommendsTheUsersGroup()
    {
        var trained = VaeTrainer.Train(Groups(400, seed: 1), 40, Small);
        var scores = new float[40];
        int[] known = [1, 5, 9, 14];
        trained.Model.Score(trained.Model.Encode(known), scores);
        var top = Enumerable.Range(0, 40).Where(i => !known.Contains(i)).OrderByDescending(i => scores[i]).Take(10).ToArray();
        Assert.All(top, i => Assert.InRange(i, 0, 19));
        Assert.True(trained.BestValidationNdcg10 > 0.3, $"validation NDCG@10 {trained.BestValidationNdcg10}");
        Assert.Contains(trained.Epochs, e => e.Refit);
        Assert.Equal(trained.BestEpoch, trained.Epochs.Count(e => e.Refit));
    }

    [Fact]
    public void Score_ServedModel_MatchesTorchWithin1e4()
    {
        var trained = VaeTrainer.Train(Groups(200, seed: 2), 40, Small with { MaxEpochs = 3, Refit = false });
        Assert.InRange(trained.ParityMaxAbsDiff, 0, 1e-4);
        Assert.DoesNotContain(trained.Epochs, e => e.Refit);
    }

    [Fact]
    public void Encode_RepeatsAndOrder_ChangeNothing()
    {
        var model = VaeTrainer.Train(Groups(100, seed: 3), 40, Small with { MaxEpochs = 2 }).Model;
        Assert.Equal(model.Encode([3, 1, 2]), model.Encode([1, 2, 3, 3, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Encode([40]));
    }

    [Fact]
    public void SaveLoad_RoundTrip_SameScores_DamagedThrows()
    {
        var model = VaeTrainer.Train(Groups(100, seed: 4), 40, Small with { MaxEpochs = 2 }).Model;
        using var stream = new MemoryStream();
        model.Save(stream);
        var bytes = stream.ToArray();
        var loaded = CollaborativeVae.Load(new MemoryStream(bytes));
        var (a, b) = (new float[40], new float[40]);
        model.Score(model.Encode([1, 2]), a);
        loaded.Score(loaded.Encode([1, 2]), b);
        Assert.Equal(a, b);
        Assert.Throws<InvalidDataException>(() => CollaborativeVae.Load(new MemoryStream(bytes[..^1])));
        Assert.Throws<InvalidDataException>(() => CollaborativeVae.Load(new MemoryStream([.. bytes, 1])));
        Assert.Throws<InvalidDataException>(() => CollaborativeVae.Load(new MemoryStream(new byte[12])));
    }

    [Fact]
    public void Trials_SameSeed_SameDrawsStartingWithTheGivenOptions()
    {
        var a = VaeSearch.Trials(Small, 5, 42);
        Assert.Equal(Small, a[0]);
        Assert.Equal(a, VaeSearch.Trials(Small, 5, 42));
        Assert.NotEqual(a, VaeSearch.Trials(Small, 5, 43));
    }

    [Fact]
    public void Neighbour_MovesOneSettingOneStep()
    {
        var rng = new Random(3);
        var start = new VaeOptions { Hidden = 400, Latent = 100, Dropout = 0.5f, LearningRate = 1e-3f, WeightDecay = 1e-4f, AnnealCap = 0.2f, AnnealSteps = 2_000, BatchSize = 64 };
        for (var i = 0; i < 200; i++)
        {
            var n = VaeSearch.Neighbour(start, rng);
            var changed = new[] { n.Hidden != start.Hidden, n.Latent != start.Latent, n.Dropout != start.Dropout, n.LearningRate != start.LearningRate, n.WeightDecay != start.WeightDecay, n.AnnealCap != start.AnnealCap, n.AnnealSteps != start.AnnealSteps, n.BatchSize != start.BatchSize }.Count(c => c);
            Assert.InRange(changed, 0, 1); // 0 when a setting at the end of its list steps outward
            Assert.Contains(n.Hidden, new[] { 200, 400, 600 });
            Assert.Contains(n.Dropout, new[] { 0.3f, 0.5f, 0.7f });
        }
    }

    [Fact]
    public void Ndcg_KnownRanking_ExactValue()
    {
        // Relevant items 2 and 5; ranking 5, 0, 2, ... → (1 + 1/log2(4)) / (1 + 1/log2(3)).
        float[] scores = [0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 1f];
        Assert.Equal((1 + (1 / 2.0)) / (1 + (1 / Math.Log2(3))), VaeTrainer.Ndcg(scores, [2, 5], 10), 12);
        Assert.Equal(0, VaeTrainer.Ndcg(scores, [1], 2));
    }

    [Fact]
    public void Train_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => VaeTrainer.Train([[0, 40]], 40, Small));
        Assert.Throws<ArgumentException>(() => VaeTrainer.Train([[1], [2]], 40, Small));
        Assert.Throws<ArgumentException>(() => VaeTrainer.Train([[1, 2]], 40, Small with { AnnealCap = -1 }));
    }

    /// <summary>Users who take 8 items from one half of the catalog (0–19 or 20–39).</summary>
    private static List<int[]> Groups(int users, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, users).Select(u => Enumerable.Range(0, 20).OrderBy(_ => rng.Next()).Take(8).Select(i => i + (u % 2 * 20)).ToArray())];
    }
}
