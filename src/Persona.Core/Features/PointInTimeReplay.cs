using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;

namespace Persona.Core.Features;

/// <summary>
/// Training rows by replay: each user's events go through the service's <see cref="ProfileEngine"/> (same
/// configuration, same code) in event-time order, and a row's features are extracted from the state the
/// events up to its cut have built, before any later event is applied. Labels are taken from the events after
/// the cut (<see cref="PointInTimeRow.Future"/>), so no label can leak into a feature: features are point-in-time
/// correct by construction, and a test changes later events to prove it.
/// </summary>
public sealed class PointInTimeReplay
{
    private readonly ProfileEngine _engine;
    private readonly FeatureExtractor _extractor;
    private readonly ICatalogView _catalog;

    public PointInTimeReplay(ProfileEngine engine, FeatureExtractor extractor, ICatalogView catalog)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(catalog);
        _engine = engine;
        _extractor = extractor;
        _catalog = catalog;
    }

    /// <summary>
    /// A row after each of a user's events that <paramref name="cut"/> accepts (given the user's events in
    /// order and the index of the event just applied); by default after every event but the user's last.
    /// Users in order of first appearance.
    /// </summary>
    public IEnumerable<PointInTimeRow> AtEvents(IEnumerable<BehaviorEvent> events, Func<BehaviorEvent[], int, bool>? cut = null)
    {
        cut ??= static (all, i) => i < all.Length - 1;
        foreach (var (user, all) in ByUser(events))
        {
            var state = new ProfileState(user);
            for (var i = 0; i < all.Length; i++)
            {
                _engine.Apply(state, all[i], _catalog);
                if (cut(all, i))
                {
                    var t = all[i].TimestampMs;
                    yield return new PointInTimeRow(user, i + 1, t, _extractor.Extract(state, _catalog, t), new ArraySegment<BehaviorEvent>(all, 0, i + 1), new ArraySegment<BehaviorEvent>(all, i + 1, all.Length - i - 1));
                }
            }
        }
    }

    /// <summary>
    /// A row per user with an event at or before <paramref name="cutMs"/>: features as of the cut from the
    /// events up to it, the rest as the future (churn and propensity labels).
    /// </summary>
    public IEnumerable<PointInTimeRow> AtTime(IEnumerable<BehaviorEvent> events, long cutMs)
    {
        foreach (var (user, all) in ByUser(events))
        {
            var state = new ProfileState(user);
            var i = 0;
            while (i < all.Length && all[i].TimestampMs <= cutMs)
            {
                _engine.Apply(state, all[i], _catalog);
                i++;
            }

            if (i > 0)
            {
                yield return new PointInTimeRow(user, i, cutMs, _extractor.Extract(state, _catalog, cutMs), new ArraySegment<BehaviorEvent>(all, 0, i), new ArraySegment<BehaviorEvent>(all, i, all.Length - i));
            }
        }
    }

    /// <summary>Each user's events in event-time order (a stable sort: ties keep their input order).</summary>
    private static IEnumerable<(string User, BehaviorEvent[] Events)> ByUser(IEnumerable<BehaviorEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var byUser = new Dictionary<string, List<BehaviorEvent>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var e in events)
        {
            if (!byUser.TryGetValue(e.UserId, out var list))
            {
                list = [];
                byUser[e.UserId] = list;
                order.Add(e.UserId);
            }

            list.Add(e);
        }

        foreach (var user in order)
        {
            yield return (user, [.. byUser[user].OrderBy(e => e.TimestampMs)]);
        }
    }
}
