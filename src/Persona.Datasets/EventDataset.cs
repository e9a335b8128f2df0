using Persona.Core.Catalog;
using Persona.Core.Events;

namespace Persona.Datasets;

/// <summary>A dataset read into canonical events (in file order) and the catalog records the format provides.</summary>
public sealed class EventDataset
{
    public required string Name { get; init; }

    public required IReadOnlyList<BehaviorEvent> Events { get; init; }

    public IReadOnlyList<CatalogItem> Catalog { get; init; } = [];

    public int Users => Events.Select(e => e.UserId).Distinct(StringComparer.Ordinal).Count();

    public int Sessions => Events.Select(e => e.SessionId ?? e.UserId).Distinct(StringComparer.Ordinal).Count();

    public int Items => Events.Where(e => e.ItemId is not null).Select(e => e.ItemId!).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Per-user item sequences in event-time order, for the ranking protocols.</summary>
    public SequenceDataset ToSequences()
    {
        var items = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemIds = new List<string>();
        var users = new List<string>();
        var sequences = new List<Interaction[]>();
        foreach (var group in Events.Where(e => e.ItemId is not null).GroupBy(e => e.UserId, StringComparer.Ordinal))
        {
            var u = users.Count;
            users.Add(group.Key);
            sequences.Add([.. group.OrderBy(e => e.TimestampMs).Select(e =>
            {
                if (!items.TryGetValue(e.ItemId!, out var i))
                {
                    i = itemIds.Count;
                    items[e.ItemId!] = i;
                    itemIds.Add(e.ItemId!);
                }

                return new Interaction(u, i, e.TimestampMs, e.Rating, e.Type);
            })]);
        }

        var known = Catalog.ToDictionary(c => c.ItemId, StringComparer.Ordinal);
        return new SequenceDataset
        {
            Name = Name,
            Sequences = sequences,
            UserIds = users,
            ItemIds = itemIds,
            Catalog = [.. itemIds.Select(id => known.TryGetValue(id, out var c) ? c : new CatalogItem { ItemId = id })],
        };
    }

    internal static BehaviorEvent Event(string id, EventType type, string user, string? session, string item, long timeMs) => new()
    {
        EventId = id,
        Type = (byte)type,
        UserId = user,
        SessionId = session,
        ItemId = item,
        TimestampMs = timeMs,
    };
}
