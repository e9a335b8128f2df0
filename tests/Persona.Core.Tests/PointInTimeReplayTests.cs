using FsCheck;
using FsCheck.Xunit;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Features;

namespace Persona.Core.Tests;

/// <summary>Training rows are point-in-time: what happens after a row's cut never reaches its features.</summary>
public sealed class PointInTimeReplayTests
{
    private static readonly ProfileEngine Engine = new(new EngineConfig());

    [Property(MaxTest = 25)]
    public bool AtEvents_EveryLaterEventChanged_FeaturesUnchanged(int seed, int changeSeed)
    {
        var (catalog, events) = TestStreams.Shop(seed, users: 8, events: 300);
        var replay = Replay(catalog);
        var rows = replay.AtEvents(events).ToList();
        var rng = new Random(changeSeed);
        var row = rows[rng.Next(rows.Count)];

        // Change everything of this user after the cut (item, type, later time, price), and add more events.
        var later = row.Future.ToHashSet();
        var items = catalog.Records.Select(c => c.ItemId).Order(StringComparer.Ordinal).ToArray();
        var changed = events.Select(e => later.Contains(e) ? Rewrite(e, rng, items) : e).ToList();
        changed.AddRange(Enumerable.Range(0, 5).Select(i => new BehaviorEvent
        {
            EventId = $"extra-{i}",
            Type = (byte)EventType.Purchase,
            UserId = row.UserId,
            ItemId = items[rng.Next(items.Length)],
            TimestampMs = row.TimeMs + 1 + rng.Next(1_000_000),
            Price = 999,
            Quantity = 3,
        }));

        var again = replay.AtEvents(changed).Single(r => r.UserId == row.UserId && r.Position == row.Position);
        return again.Features.AsSpan().SequenceEqual(row.Features) && again.TimeMs == row.TimeMs;
    }

    [Property(MaxTest = 25)]
    public bool AtEvents_Features_EqualAFreshReplayOfThePastAlone(int seed)
    {
        var (catalog, events) = TestStreams.Shop(seed, users: 6, events: 200);
        var extractor = Extractor(catalog);
        return Replay(catalog).AtEvents(events).All(row =>
        {
            var state = new ProfileState(row.UserId);
            foreach (var e in row.Past)
            {
                Engine.Apply(state, e, catalog);
            }

            return row.Past.All(e => e.TimestampMs <= row.TimeMs)
                && row.Future.All(e => e.TimestampMs >= row.TimeMs)
                && extractor.Extract(state, catalog, row.TimeMs).AsSpan().SequenceEqual(row.Features);
        });
    }

    [Property(MaxTest = 25)]
    public bool AtTime_EventsAfterTheCutChanged_FeaturesUnchanged(int seed, int changeSeed)
    {
        var (catalog, events) = TestStreams.Shop(seed, users: 8, events: 300);
        var replay = Replay(catalog);
        var cut = events.Min(e => e.TimestampMs) + ((events.Max(e => e.TimestampMs) - events.Min(e => e.TimestampMs)) / 2);
        var rows = replay.AtTime(events, cut).ToList();
        var rng = new Random(changeSeed);
        var items = catalog.Records.Select(c => c.ItemId).Order(StringComparer.Ordinal).ToArray();
        var changed = events.Select(e => e.TimestampMs > cut ? Rewrite(e, rng, items) : e).ToList();
        var again = replay.AtTime(changed, cut).ToList();
        return rows.Count > 0
            && rows.All(r => r.Past.All(e => e.TimestampMs <= cut) && r.Future.All(e => e.TimestampMs > cut))
            && rows.Select(r => r.UserId).SequenceEqual(again.Select(r => r.UserId))
            && rows.Zip(again).All(p => p.First.Features.AsSpan().SequenceEqual(p.Second.Features));
    }

    [Fact]
    public void AtEvents_AnEarlierEventChanged_FeaturesChange()
    {
        // The law above has power: the same rewrite applied before the cut does change the features.
        var (catalog, events) = TestStreams.Shop(seed: 11, users: 4, events: 120);
        var replay = Replay(catalog);
        var row = replay.AtEvents(events).First(r => r.Position == 5);
        var first = row.Past[0];
        var changed = events.Select(e => ReferenceEquals(e, first) ? e with { Type = (byte)EventType.Purchase, Price = 500, Quantity = 2 } : e).ToList();
        var again = replay.AtEvents(changed).Single(r => r.UserId == row.UserId && r.Position == 5);
        Assert.False(again.Features.AsSpan().SequenceEqual(row.Features));
    }

    [Fact]
    public void AtEvents_OutOfOrderInput_RowsInEventTimeOrder()
    {
        var (catalog, events) = TestStreams.Shop(seed: 5, users: 3, events: 90);
        var reversed = Enumerable.Reverse(events).ToList();
        var rows = Replay(catalog).AtEvents(reversed).ToList();
        Assert.Equal(events.Count - events.Select(e => e.UserId).Distinct().Count(), rows.Count);
        Assert.All(rows.GroupBy(r => r.UserId), g => Assert.True(g.Zip(g.Skip(1)).All(p => p.First.TimeMs <= p.Second.TimeMs && p.First.Position + 1 == p.Second.Position)));
    }

    private static PointInTimeReplay Replay(CatalogIndex catalog) => new(Engine, Extractor(catalog), catalog);

    private static FeatureExtractor Extractor(CatalogIndex catalog) => new(Engine, InterestLabels.FromCatalog(catalog.Records));

    private static BehaviorEvent Rewrite(BehaviorEvent e, Random rng, string[] items) => e with
    {
        Type = (byte)rng.Next((int)EventType.Preference),
        ItemId = items[rng.Next(items.Length)],
        TimestampMs = e.TimestampMs + rng.Next(10_000_000),
        Price = rng.Next(2) == 0 ? null : rng.Next(1, 1000),
        Quantity = rng.Next(1, 4),
        Rating = rng.Next(1, 6),
    };
}
