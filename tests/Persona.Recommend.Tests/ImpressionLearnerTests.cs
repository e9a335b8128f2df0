using Persona.Core.Events;
using Persona.Recommend.Feedback;
using Persona.Recommend.Ranking;

namespace Persona.Recommend.Tests;

public sealed class ImpressionLearnerTests
{
    /// <summary>A logged feature row (registry order) with co-occurrence, interest and the average click-through.</summary>
    private static float[] F(float cooc, float interest)
    {
        var row = new float[RankingFeatures.Count];
        row[RankingFeatures.IndexOf("coOccurrence")] = cooc;
        row[RankingFeatures.IndexOf("interest")] = interest;
        row[RankingFeatures.IndexOf("clickThrough")] = 0.5f;
        return row;
    }

    private static BehaviorEvent Click(string rec, string user, string item) =>
        new() { EventId = $"{rec}-{item}", Type = (byte)EventType.Click, UserId = user, ItemId = item, TimestampMs = 1, RecommendationId = rec };

    [Fact]
    public void Join_ClicksOfTheSameUserOnItemsShown_OnlyAnswersWithClicksKept()
    {
        var shown = new Impression("r1", "u1", "m", null, null, ["a", "b", "c"], 0) { Features = [F(1, 0), F(0.5f, 0.5f), null] };
        var other = new Impression("r2", "u2", "m", null, null, ["a", "b"], 0) { Features = [F(1, 0), F(0, 1)] };
        var lists = ImpressionLearner.Join([shown, other], [Click("r1", "u1", "b"), Click("r2", "u9", "a"), Click("r1", "u1", "zz")]);
        var list = Assert.Single(lists); // r2's click came from another user
        Assert.Equal([false, true], list.Clicked); // c had no features (a fill item) and is left out
    }

    [Fact]
    public void Learn_ClicksFollowInterestNotCoOccurrence_InterestWeighsMoreAndHeldOutImproves()
    {
        // Served by co-occurrence first; users click the item with the highest interest wherever it was shown.
        var rng = new Random(3);
        var impressions = new List<Impression>();
        var clicks = new List<BehaviorEvent>();
        for (var a = 0; a < 500; a++)
        {
            var rows = Enumerable.Range(0, 5).Select(_ => F((float)rng.NextDouble(), (float)rng.NextDouble())).OrderByDescending(f => f[RankingFeatures.IndexOf("coOccurrence")]).ToArray();
            var items = Enumerable.Range(0, 5).Select(i => $"i{a}-{i}").ToArray();
            impressions.Add(new Impression($"r{a}", "u", "m", null, null, items, 0) { Features = rows });
            var best = Array.IndexOf(rows, rows.MaxBy(f => f[RankingFeatures.IndexOf("interest")])!);
            clicks.Add(Click($"r{a}", "u", items[best]));
        }

        var start = BlendWeights.Zero("start").With("coOccurrence", 1).With("interest", 0.1);
        var learned = ImpressionLearner.Learn(ImpressionLearner.Join(impressions, clicks), start, fixedAtZero: [RankingFeatures.LearnedScorer]);
        Assert.Equal(400, learned.TrainLists);
        Assert.Equal(100, learned.HeldOutLists);
        Assert.True(learned.Weights["interest"] > learned.Weights["coOccurrence"], $"interest {learned.Weights["interest"]}, co-occurrence {learned.Weights["coOccurrence"]}");
        Assert.True(learned.HeldOutLearned > learned.HeldOutStart + 0.1, $"held out {learned.HeldOutStart} → {learned.HeldOutLearned}");
        Assert.Equal(0, learned.Weights["sequence"]);
    }

    [Fact]
    public void Propensities_ClickRatesByPosition_RelativeToTheFirstAndNonIncreasing()
    {
        var lists = new List<LoggedList>
        {
            new([F(1, 1), F(1, 1), F(1, 1)], [true, false, true]),
            new([F(1, 1), F(1, 1), F(1, 1)], [true, true, false]),
        };
        Assert.Equal([1.0, 0.5, 0.5], ImpressionLearner.Propensities(lists));
    }

    [Fact]
    public void Objective_ClickAtTheTop_OneAndAtTheBottomLess()
    {
        var top = new List<LoggedList> { new([F(0, 1), F(0, 0)], [true, false]) };
        var interest = BlendWeights.Zero("t").With("interest", 1);
        var none = BlendWeights.Zero("t");
        Assert.Equal(1.0, ImpressionLearner.Objective(top, interest, [1, 1]), 9);
        var bottom = new List<LoggedList> { new([F(0, 0), F(0, 1)], [false, true]) };
        Assert.Equal(1 / Math.Log2(3), ImpressionLearner.Objective(bottom, none, [1, 1]), 9); // ties keep the served order
    }
}
