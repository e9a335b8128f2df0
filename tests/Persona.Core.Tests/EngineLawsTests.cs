using FsCheck;
using FsCheck.Xunit;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Pipeline;
using Persona.Core.Serialization;

namespace Persona.Core.Tests;

/// <summary>The engine's laws, checked on generated streams (FsCheck picks seeds and cut points).</summary>
public sealed class EngineLawsTests
{
    private static readonly ProfileEngine Engine = new(new EngineConfig { MaxInterests = 4096, RecentItems = 50 });

    [Property(MaxTest = 40)]
    public bool Apply_ShuffledStream_CommutativePartsEqualSortedStream(int seed, int shuffleSeed)
    {
        var (catalog, events) = TestStreams.Shop(seed);
        var shuffled = events.OrderBy(_ => 0).ToList();
        var rng = new Random(shuffleSeed);
        for (var i = shuffled.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
        }

        var sorted = TestStreams.Replay(Engine, catalog, events);
        var mixed = TestStreams.Replay(Engine, catalog, shuffled);
        var now = events[^1].TimestampMs + 3_600_000;
        return sorted.Keys.Order().SequenceEqual(mixed.Keys.Order())
            && sorted.All(p => CommutativeEqual(p.Value, mixed[p.Key], now));
    }

    [Property(MaxTest = 40)]
    public bool Apply_DuplicatesReplayed_ProfileUnchanged(int seed, PositiveInt every)
    {
        var (catalog, events) = TestStreams.Shop(seed);
        var once = new InMemoryProfiles(Engine, catalog);
        foreach (var e in events)
        {
            once.Apply(e);
        }

        var twice = new InMemoryProfiles(Engine, catalog);
        for (var i = 0; i < events.Count; i++)
        {
            twice.Apply(events[i]);
            if (i % (1 + (every.Get % 7)) == 0)
            {
                Assert.False(twice.Apply(events[i]));
                Assert.False(twice.Apply(events[i / 2]));
            }
        }

        return once.States.All(p => Bytes(p.Value).SequenceEqual(Bytes(twice.States[p.Key])));
    }

    [Property(MaxTest = 40)]
    public bool Apply_SnapshotAndContinue_EqualsOneGo(int seed, PositiveInt cut)
    {
        var (catalog, events) = TestStreams.Shop(seed);
        var at = cut.Get % events.Count;
        var oneGo = TestStreams.Replay(Engine, catalog, events);
        var first = TestStreams.Replay(Engine, catalog, events.Take(at));
        var restored = first.ToDictionary(p => p.Key, p => ProfileCodec.Deserialize(ProfileCodec.Serialize(p.Value)));
        foreach (var e in events.Skip(at))
        {
            if (!restored.TryGetValue(e.UserId, out var s))
            {
                s = new ProfileState(e.UserId);
                restored[e.UserId] = s;
            }

            Engine.Apply(s, e, catalog);
        }

        return oneGo.All(p => Bytes(p.Value).SequenceEqual(Bytes(restored[p.Key])));
    }

    [Fact]
    public void Apply_EventOlderThanKeptBuckets_CountedInTotalsOnly()
    {
        var (catalog, events) = TestStreams.Shop(1, users: 1, events: 50);
        var state = new ProfileState("u0");
        foreach (var e in events)
        {
            Engine.Apply(state, e, catalog);
        }

        var late = events[0] with { EventId = "late", TimestampMs = events[^1].TimestampMs - (40L * 86_400_000) };
        Engine.Apply(state, late, catalog);
        var view = new ProfileReader(Engine).Read(state, catalog, events[^1].TimestampMs);
        Assert.Equal(events.Count(e => e.Type == late.Type) + 1, view.Counters[Engine.Types.NameOf(late.Type)].Total);
        Assert.Equal(events.Count(e => e.Type == late.Type), view.Counters[Engine.Types.NameOf(late.Type)].Last30Days);
    }

    [Property(MaxTest = 40)]
    public bool ApplyBatch_AnyBatchSizes_EqualsApplyOneByOne(int seed, PositiveInt size)
    {
        var (catalog, events) = TestStreams.Shop(seed, users: 30, events: 900);
        var oneByOne = TestStreams.Replay(Engine, catalog, events);
        var batched = new Dictionary<string, ProfileState>(StringComparer.Ordinal);
        var batchSize = 1 + (size.Get % 200); // below, at and across the engine's window of 64 events
        for (var start = 0; start < events.Count; start += batchSize)
        {
            var batch = events.Skip(start).Take(batchSize).ToArray();
            var states = new ProfileState[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                if (!batched.TryGetValue(batch[i].UserId, out var s))
                {
                    s = new ProfileState(batch[i].UserId);
                    batched[batch[i].UserId] = s;
                }

                states[i] = s;
            }

            Engine.ApplyBatch(states, batch, catalog);
        }

        return oneByOne.Count == batched.Count && oneByOne.All(p => Bytes(p.Value).SequenceEqual(Bytes(batched[p.Key])));
    }

    [Fact]
    public void ApplyBatch_FewerStatesThanEvents_ThrowsAndAppliesNothing()
    {
        var (catalog, events) = TestStreams.Shop(3, users: 1, events: 5);
        var state = new ProfileState("u0");

        var error = Assert.Throws<ArgumentException>(() => Engine.ApplyBatch([state], events.ToArray(), catalog));

        Assert.Equal("states", error.ParamName);
        Assert.Equal(0, state.EventCount);
    }

    [Fact]
    public void ApplyBatch_NullEvent_ThrowsBeforeApplyingItsWindow()
    {
        var (catalog, events) = TestStreams.Shop(3, users: 1, events: 3);
        var state = new ProfileState("u0");

        var error = Assert.Throws<ArgumentNullException>(() => Engine.ApplyBatch([state, state, state], [events[0], null!, events[2]], catalog));

        Assert.Equal("events", error.ParamName);
        Assert.Equal(0, state.EventCount);
    }

    private static byte[] Bytes(ProfileState s) => ProfileCodec.Serialize(s);

    /// <summary>Everything but the order-dependent parts (sessions) must match; floats within 1e-9 relative.</summary>
    private static bool CommutativeEqual(ProfileState a, ProfileState b, long now)
    {
        var ia = Engine.Interests(a, now).ToDictionary(x => x.Feature, x => x.Weight);
        var ib = Engine.Interests(b, now).ToDictionary(x => x.Feature, x => x.Weight);
        if (ia.Count != ib.Count || ia.Any(p => !ib.TryGetValue(p.Key, out var w) || !Close(p.Value, w)))
        {
            return false;
        }

        var reader = new ProfileReader(Engine);
        var catalog = new CatalogIndex();
        var va = reader.Read(a, catalog, now);
        var vb = reader.Read(b, catalog, now);
        return va.EventCount == vb.EventCount
            && va.FirstSeen == vb.FirstSeen && va.LastSeen == vb.LastSeen
            && va.Counters.Count == vb.Counters.Count
            && va.Counters.All(c => c.Value == vb.Counters[c.Key])
            && va.Rfm.Frequency == vb.Rfm.Frequency && va.Rfm.Units == vb.Rfm.Units && Close(va.Rfm.Monetary, vb.Rfm.Monetary)
            && va.HourOfDay.SequenceEqual(vb.HourOfDay) && va.DayOfWeek.SequenceEqual(vb.DayOfWeek)
            && va.RatingCount == vb.RatingCount && va.RatingMean == vb.RatingMean
            && va.RecentItems.SequenceEqual(vb.RecentItems)
            && va.Devices.Count == vb.Devices.Count && va.Devices.All(d => vb.Devices[d.Key] == d.Value)
            && va.Lifecycle == vb.Lifecycle;
    }

    private static bool Close(double x, double y) => Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)));
}
