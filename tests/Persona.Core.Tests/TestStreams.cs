using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Synthetic;

namespace Persona.Core.Tests;

/// <summary>Small deterministic shops and streams for the engine's laws.</summary>
internal static class TestStreams
{
    public static (CatalogIndex Catalog, List<BehaviorEvent> Events) Shop(int seed, int users = 20, int events = 600)
    {
        var shop = new SyntheticShop(new ShopOptions { Seed = seed, Users = users, Items = 300, Events = events, MeanSessionGap = TimeSpan.FromHours(12) });
        var catalog = new CatalogIndex();
        catalog.Upsert(shop.Catalog);
        return (catalog, [.. shop.Events()]);
    }

    public static Dictionary<string, ProfileState> Replay(ProfileEngine engine, ICatalogView catalog, IEnumerable<BehaviorEvent> events)
    {
        var states = new Dictionary<string, ProfileState>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!states.TryGetValue(e.UserId, out var s))
            {
                s = new ProfileState(e.UserId);
                states[e.UserId] = s;
            }

            engine.Apply(s, e, catalog);
        }

        return states;
    }
}
