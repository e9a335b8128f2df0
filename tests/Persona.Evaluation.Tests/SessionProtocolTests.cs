using Persona.Datasets;
using Persona.Evaluation.Protocols;
using Persona.Evaluation.Recommenders;

namespace Persona.Evaluation.Tests;

/// <summary>The session-based next-click protocol (all positions, full ranking).</summary>
public sealed class SessionProtocolTests
{
    [Fact]
    public void Run_HandMadeSessions_RanksEveryNextClick()
    {
        // Training: a -> b always, c is the most popular item.
        var train = Sequences(["a", "b"], ["a", "b"], ["c", "c", "c"], ["c", "a"]);
        IReadOnlyList<IReadOnlyList<string>> test = [["a", "b", "x", "c"], ["x"], ["b"]];

        var (metrics, sessions, predictions) = SessionProtocol.Run(train, test, new SequentialRulesModel());

        // "x" is unknown and dropped: session 1 becomes a, b, c (predictions: b after a, c after b);
        // the other sessions are too short.
        Assert.Equal(1, sessions);
        Assert.Equal(2, predictions);

        // After a: rule a -> b ranks b first. After b: no rule from b, so popularity: c (4) first.
        Assert.Equal(1.0, metrics["hr@5"]);
        Assert.Equal(1.0, metrics["mrr@20"]);
    }

    [Fact]
    public void Run_Popularity_RankIsPopularityOrder()
    {
        var train = Sequences(["a", "b"], ["b", "c"], ["b", "c"], ["c", "b"]);
        IReadOnlyList<IReadOnlyList<string>> test = [["a", "a"]];

        var (metrics, _, predictions) = SessionProtocol.Run(train, test, new PopularityModel());

        // Counts: b 4, c 3, a 1: the next click "a" ranks third.
        Assert.Equal(1, predictions);
        Assert.Equal(Math.Round(1.0 / 3, 6), metrics["mrr@5"]);
        Assert.Equal(1.0, metrics["hr@5"]);
    }

    [Fact]
    public void LoadSessionSplit_YooChooseFolder_KeepsPreparedSplit()
    {
        var folder = SharedData.Dataset("yoochoose-rsc15-sample");

        var (train, test) = SessionProtocol.LoadSplit("yoochoose", folder);

        Assert.Equal(17_794, train.Users); // training sequences are the train_full sessions
        Assert.Equal(2_933, train.Items);
        Assert.Equal(3_416, test.Count);
        Assert.Equal(13_568, test.Sum(s => s.Count));
    }

    private static SequenceDataset Sequences(params string[][] sessions)
    {
        var items = sessions.SelectMany(s => s).Distinct().ToList();
        return new SequenceDataset
        {
            Name = "test",
            Sequences = [.. sessions.Select((s, u) => s.Select((item, t) => new Interaction(u, items.IndexOf(item), t)).ToArray())],
            UserIds = [.. sessions.Select((_, u) => "s" + u)],
            ItemIds = items,
            Catalog = [],
        };
    }
}
