using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;

namespace Persona.Core.Tests;

public sealed class SatisfactionTests
{
    private const long Day = 86_400_000;
    private static readonly CatalogIndex Catalog = new();

    [Fact]
    public void Read_NoSignal_SatisfactionAbsent()
    {
        var (engine, reader) = Engine();
        var state = new ProfileState("u");
        engine.Apply(state, Event("v1", EventType.View, 0), Catalog);

        Assert.Null(reader.Read(state, Catalog, Day).Satisfaction);
    }

    [Fact]
    public void Apply_OneStarReview_ScoreMinusOneAndDissatisfied()
    {
        var (engine, reader) = Engine();
        var state = new ProfileState("u");
        engine.Apply(state, Event("r1", EventType.Review, 0) with { Rating = 1 }, Catalog);

        var s = reader.Read(state, Catalog, 0).Satisfaction!;

        Assert.Equal((-1.0, 1.0, 1L, "dissatisfied"), (s.Score, s.Evidence, s.Signals, s.Level));
    }

    [Fact]
    public void Apply_RatingAndSentimentOnOneReview_TwoSignalsAveraged()
    {
        var (engine, reader) = Engine();
        var state = new ProfileState("u");
        engine.Apply(state, Event("r1", EventType.Review, 0) with { Rating = 5, Sentiment = 0.25 }, Catalog);

        var s = reader.Read(state, Catalog, 0).Satisfaction!;

        Assert.Equal((0.25, 2.0, 2L, "satisfied"), (s.Score, s.Evidence, s.Signals, s.Level));
    }

    [Fact]
    public void Apply_SignalOneHalfLifeOlder_CountsHalf()
    {
        var (engine, reader) = Engine();
        var state = new ProfileState("u");
        engine.Apply(state, Event("r1", EventType.Rate, 0) with { Rating = 5 }, Catalog);
        engine.Apply(state, Event("r2", EventType.Rate, 90 * Day) with { Rating = 1 }, Catalog);

        var s = reader.Read(state, Catalog, 180 * Day).Satisfaction!;

        Assert.Equal(Math.Round(-0.5 / 1.5, 4), s.Score);
        Assert.Equal(0.75, s.Evidence); // (1 + 0.5) halved once more by the read time
    }

    [Fact]
    public void Apply_SameSignalsInAnyOrder_SameSatisfaction()
    {
        var random = new Random(7);
        var events = Enumerable.Range(0, 40).Select(i => Event($"e{i}", i % 2 == 0 ? EventType.Review : EventType.Rate, random.NextInt64(0, 400 * Day)) with
        {
            Rating = random.Next(1, 6),
            Sentiment = i % 3 == 0 ? random.NextDouble() : null,
        }).ToList();
        var (engine, reader) = Engine();
        var inOrder = Replay(engine, events.OrderBy(e => e.TimestampMs));
        for (var trial = 0; trial < 20; trial++)
        {
            var shuffled = events.ToArray();
            random.Shuffle(shuffled);

            var other = Replay(engine, shuffled);

            Assert.Equal(inOrder.SatisfactionSignals, other.SatisfactionSignals);
            Assert.Equal(inOrder.SatisfactionRefMs, other.SatisfactionRefMs);
            Assert.Equal(inOrder.SatisfactionSum, other.SatisfactionSum, 9);
            Assert.Equal(inOrder.SatisfactionWeight, other.SatisfactionWeight, 9);
            Assert.Equal(reader.Read(inOrder, Catalog, 500 * Day).Satisfaction, reader.Read(other, Catalog, 500 * Day).Satisfaction);
        }
    }

    [Fact]
    public void Apply_DeclaredReturnType_NegativeSignalAndUndeclaredNone()
    {
        var declared = new ProfileEngine(new EngineConfig { CustomEventTypes = ["return"] });
        declared.Types.TryGetCode("return", out var code);
        var state = new ProfileState("u");
        declared.Apply(state, Event("x1", EventType.View, 0) with { Type = code }, Catalog);
        Assert.Equal(-1.0, new ProfileReader(declared).Read(state, Catalog, 0).Satisfaction!.Score);

        var (plain, reader) = Engine();
        var other = new ProfileState("u");
        plain.Apply(other, Event("x1", EventType.View, 0) with { Type = code }, Catalog);
        Assert.Null(reader.Read(other, Catalog, 0).Satisfaction);
    }

    [Fact]
    public void Validate_SignalOutsideMinusOneToOne_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ProfileEngine(new EngineConfig { SatisfactionSignals = new Dictionary<string, double> { ["return"] = -2 } }));

        Assert.Contains("satisfactionSignals.return: must be within -1..1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, true)] // behaviour 2 only adds satisfaction, 3 domain and platform counts
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, false)] // a newer build's
    [InlineData(0, false)]
    public void CanContinue_StoredBehaviour_OnlyThisOneOrEarlierOnesFollowedByAdditiveOnes(int stored, bool expected)
    {
        Assert.Equal(expected, ProfileEngine.CanContinue(stored));
    }

    private static (ProfileEngine Engine, ProfileReader Reader) Engine()
    {
        var engine = new ProfileEngine(new EngineConfig());
        return (engine, new ProfileReader(engine));
    }

    private static ProfileState Replay(ProfileEngine engine, IEnumerable<BehaviorEvent> events)
    {
        var state = new ProfileState("u");
        foreach (var e in events)
        {
            engine.Apply(state, e, Catalog);
        }

        return state;
    }

    private static BehaviorEvent Event(string id, EventType type, long timeMs) =>
        new() { EventId = id, Type = (byte)type, UserId = "u", TimestampMs = timeMs };
}
