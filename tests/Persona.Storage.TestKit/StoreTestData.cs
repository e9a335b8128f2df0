using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Serialization;
using Persona.Synthetic;

namespace Persona.Storage.TestKit;

/// <summary>Synthetic shops, batches and reference profiles for the conformance suite.</summary>
public static class StoreTestData
{
    public static ParsedBatch<T> Batch<T>(IEnumerable<T> records) => new([.. records.Select((r, i) => (i, r))], [], []);

    public static (SyntheticShop Shop, List<BehaviorEvent> Events) Shop(DateTimeOffset start, int users = 200, int events = 20_000, int seed = 3, TimeSpan? sessionGap = null)
    {
        var shop = new SyntheticShop(new ShopOptions { Seed = seed, Users = users, Items = 400, Events = events, Start = start, MeanSessionGap = sessionGap ?? TimeSpan.FromDays(1) });
        return (shop, shop.Events().ToList());
    }

    /// <summary>
    /// The profiles an uncrashed, in-memory run gives: <paramref name="steps"/> are applied in order, each either
    /// a catalog change or a list of events. Encodings with the log position zeroed.
    /// </summary>
    public static Dictionary<string, byte[]> Reference(ProfileEngine engine, IEnumerable<CatalogItem> catalog, IEnumerable<object> steps)
    {
        var index = new CatalogIndex();
        index.Upsert(catalog);
        var reference = new InMemoryProfiles(engine, index);
        foreach (var step in steps)
        {
            switch (step)
            {
                case IEnumerable<CatalogItem> items:
                    index.Upsert(items);
                    break;
                case IEnumerable<BehaviorEvent> events:
                    foreach (var e in events)
                    {
                        if (e.Type == (byte)EventType.Preference)
                        {
                            foreach (var (kind, name) in ProfileEngine.PreferenceFeatures(e))
                            {
                                index.Register(kind, name);
                            }
                        }

                        reference.Apply(e);
                    }

                    break;
                default:
                    throw new ArgumentException($"a step is a list of items or of events, not {step.GetType()}");
            }
        }

        return reference.States.ToDictionary(p => p.Key, p => ProfileCodec.Serialize(p.Value));
    }

    public static Dictionary<string, byte[]> Reference(ProfileEngine engine, IEnumerable<CatalogItem> catalog, IEnumerable<BehaviorEvent> events) =>
        Reference(engine, catalog, [events]);

    /// <summary>A user's profile from the store, encoded with its log position zeroed (to compare with a reference).</summary>
    public static byte[]? Snapshot(IProfileStore store, string user) =>
        store.Read(user, s =>
        {
            var copy = s.Clone();
            copy.AppliedSeq = 0;
            return ProfileCodec.Serialize(copy);
        });

    /// <summary>Asserts that the store holds exactly the reference's users (no more, no fewer) with byte-equal profiles.</summary>
    public static void AssertProfiles(IProfileStore store, Dictionary<string, byte[]> expected)
    {
        foreach (var (user, bytes) in expected)
        {
            var actual = Snapshot(store, user);
            Assert.True(actual is not null, $"{user}: no profile");
            Assert.True(bytes.AsSpan().SequenceEqual(actual), $"{user}: the profile differs from the uncrashed reference");
        }

        var extra = new List<string>();
        store.VisitUsers(user =>
        {
            if (!expected.ContainsKey(user))
            {
                extra.Add(user);
            }
        });
        Assert.True(extra.Count == 0, $"{extra.Count} users the reference does not have, e.g. {string.Join(", ", extra.Take(5))}");
    }
}
