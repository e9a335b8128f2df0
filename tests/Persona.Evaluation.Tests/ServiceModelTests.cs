using Persona.Core.Catalog;
using Persona.Datasets;
using Persona.Evaluation.Protocols;
using Persona.Evaluation.Recommenders;
using Persona.Evaluation.Simulation;
using Persona.Recommend.Ranking;

namespace Persona.Evaluation.Tests;

/// <summary>The served recommender under the offline protocols, and the simulated online test.</summary>
public sealed class ServiceModelTests
{
    /// <summary>Users walk the item ring i → i + 1 (co-occurrence knows the successor); items 0–19 are Lips, 20–39 Eyes.</summary>
    private static SequenceDataset Walks(int users = 300)
    {
        var rng = new Random(5);
        var sequences = Enumerable.Range(0, users).Select(_ => { var s = rng.Next(40); return Enumerable.Range(0, rng.Next(5, 12)).Select(k => (s + k) % 40).ToArray(); }).ToArray();
        return new SequenceDataset
        {
            Name = "walks",
            Sequences = [.. sequences.Select((s, u) => s.Select((item, k) => new Interaction(u, item, 1_000_000L + (u * 100_000L) + (k * 1000L))).ToArray())],
            UserIds = [.. sequences.Select((_, u) => "u" + u)],
            ItemIds = [.. Enumerable.Range(0, 40).Select(i => "i" + i)],
            Catalog = [.. Enumerable.Range(0, 40).Select(i => new CatalogItem { ItemId = "i" + i, CategoryPath = i < 20 ? ["Beauty", "Lips"] : ["Beauty", "Eyes"] })],
        };
    }

    [Fact]
    public void LeaveOneOut_ServiceOnSuccessorWalks_FarAbovePopularityAndLearnedBlendNoWorseOnValidation()
    {
        var data = Walks();
        var service = new ServiceModel(null, new ServiceModelOptions { ValidationUsers = 300, Recommender = new() { MaxCategoryShare = 1 } });
        var (m, users) = LeaveOneOut.Run(data, service);
        var (p, _) = LeaveOneOut.Run(data, new PopularityModel());
        Assert.Equal(300, users);
        Assert.True(m["hr@5"] > 0.8, $"service HR@5 {m["hr@5"]}");
        Assert.True(p["hr@5"] < 0.3, $"popularity HR@5 {p["hr@5"]}");
        Assert.True(service.Validation!.Value.Learned >= service.Validation.Value.Heuristic);
        Assert.Equal(0, service.Weights["sequence"]); // no learned scorer: its weight stays 0
    }

    [Fact]
    public void Fit_FeaturesAblatedByName_HeldAtZeroWithTheScorersWeight()
    {
        var service = new ServiceModel(null, new ServiceModelOptions { Learn = false, Ablate = ["coOccurrence", "context"] });
        LeaveOneOut.Run(Walks(), service);
        Assert.Equal(BlendWeights.Heuristic.Without(["sequence", "coOccurrence", "context"]), service.Weights);
    }

    [Fact]
    public void Fit_UnknownFeatureAblated_Refused()
    {
        var service = new ServiceModel(null, new ServiceModelOptions { Learn = false, Ablate = ["cooccurrence"] });
        var ex = Assert.Throws<ArgumentException>(() => LeaveOneOut.Run(Walks(), service));
        Assert.StartsWith("unknown ranking feature 'cooccurrence'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ColdStart_HeldOutUsers_NeverTrainedOnAndScoredForOneAndTwoEvents()
    {
        var data = Walks(400);
        var spy = new TrainingSpy();
        var (m, users) = ColdStart.Run(data, spy, share: 0.25, seed: 3);
        Assert.InRange(users, 60, 140);
        Assert.Equal(data.Users - users, spy.TrainedUsers); // the cold users' sequences were empty in training
        Assert.Contains("c1.hr@10", m.Keys);
        Assert.Contains("c2.ndcg@10", m.Keys);
        var (service, _) = ColdStart.Run(data, new ServiceModel(null, new ServiceModelOptions { Learn = false }), share: 0.25, seed: 3);
        Assert.True(service["c1.hr@5"] > 0.8, $"service c1 HR@5 {service["c1.hr@5"]}"); // the successor of the first item, from others' walks
    }

    [Fact]
    public void Simulation_SmallShop_DeterministicAndPersonalisedAbovePopularity()
    {
        var options = new SimulationOptions { Users = 400, Items = 300, WarmupDays = 5, TestDays = 5 };
        var a = new OnlineSimulation(options).Run();
        var b = new OnlineSimulation(options).Run();
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(a), System.Text.Json.JsonSerializer.Serialize(b));
        var byName = a.Report.Variants.ToDictionary(v => v.Name);
        Assert.Equal(a.Answers, a.Report.Variants.Sum(v => v.Answers));
        Assert.Equal(a.Clicks, a.Report.Variants.Sum(v => v.Clicks));
        Assert.True(byName[OnlineSimulation.RealTime].ClickThroughRate.Value > byName[OnlineSimulation.Popularity].ClickThroughRate.High);
        Assert.True(byName[OnlineSimulation.Daily].ClickThroughRate.Value > byName[OnlineSimulation.Popularity].ClickThroughRate.High);
    }

    /// <summary>Counts the users with training events; scores nothing.</summary>
    private sealed class TrainingSpy : ISequenceModel
    {
        public int TrainedUsers { get; private set; }

        public string Name => "spy";

        public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training) => TrainedUsers = training.Count(s => s.Length > 0);

        public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores) => scores.Clear();
    }
}
