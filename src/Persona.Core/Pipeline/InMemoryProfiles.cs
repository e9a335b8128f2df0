using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;

namespace Persona.Core.Pipeline;

/// <summary>
/// The engine with exactly-once semantics in memory: event ids are deduplicated, states kept in a
/// dictionary. Used for offline replay, evaluation and as the reference in tests.
/// </summary>
public sealed class InMemoryProfiles
{
    private readonly Dictionary<string, ProfileState> _states = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public InMemoryProfiles(ProfileEngine engine, ICatalogView catalog)
    {
        Engine = engine;
        Catalog = catalog;
    }

    public ProfileEngine Engine { get; }

    public ICatalogView Catalog { get; }

    public int Count => _states.Count;

    public IReadOnlyDictionary<string, ProfileState> States => _states;

    /// <summary>Applies an event unless its id was seen; returns false for a duplicate.</summary>
    public bool Apply(BehaviorEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!_seen.Add(e.EventId))
        {
            return false;
        }

        if (!_states.TryGetValue(e.UserId, out var state))
        {
            state = new ProfileState(e.UserId);
            _states[e.UserId] = state;
        }

        Engine.Apply(state, e, Catalog);
        return true;
    }

    public ProfileState? Find(string userId) => _states.TryGetValue(userId, out var s) ? s : null;
}
