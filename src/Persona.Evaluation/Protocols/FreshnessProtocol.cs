using System.Diagnostics.CodeAnalysis;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Synthetic;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// The value of real time, prequentially: events in time order; after a warm-up share, before each item
/// event (view, click, cart add, purchase, rating) every variant is asked for the user's top-K, scored on whether the
/// event's item is in it (HR@K, NDCG@K), and only then is the event applied. Variants differ only in
/// which profile the recommendation sees: <c>live</c> (updated on every event), <c>frozen</c> (as of the
/// end of the warm-up), and <c>periodic</c> (a copy refreshed every N hours of event time); the general
/// prequential run compares <c>live</c> with <c>popularity</c> (no profile). All share the
/// same engine, ranker and online popularity. Metrics overall and per 7-day window of event time.
/// </summary>
public static class FreshnessProtocol
{
    private static readonly string[] Variants = ["live", "frozen", "periodic"];

    public static (SortedDictionary<string, double> Metrics, int Evaluated) Run(SyntheticShop shop, int k = 10, double warmup = 0.3, double refreshHours = 24, EngineConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(shop);
        return Run(shop.Events(), shop.Catalog, (long)(shop.Options.Events * warmup), Variants, k, refreshHours, config);
    }

    /// <summary>
    /// The prequential loop over any time-ordered stream: <paramref name="variants"/> among live, frozen,
    /// periodic and popularity (no profile: the most popular items).
    /// </summary>
    [SuppressMessage("Maintainability", "CA1502:Avoid excessive complexity", Justification = "One replay loop with its variants (live, periodic, frozen) side by side; to be split into a variant per class with the protocol's interval work (issue #25)")]
    public static (SortedDictionary<string, double> Metrics, int Evaluated) Run(
        IEnumerable<BehaviorEvent> stream, IReadOnlyList<CatalogItem> catalogItems, long warmupEvents, IReadOnlyList<string> variants, int k = 10, double refreshHours = 24, EngineConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(catalogItems);
        ArgumentNullException.ThrowIfNull(variants);
        var engine = new ProfileEngine(config ?? new EngineConfig());
        var index = new CatalogIndex();
        var catalog = catalogItems.ToList();
        var itemIndex = catalog.Select((c, i) => (c.ItemId, i)).ToDictionary(p => p.ItemId, p => p.i, StringComparer.Ordinal);
        foreach (var id in stream is IReadOnlyCollection<BehaviorEvent> known ? known.Where(e => e.ItemId is not null).Select(e => e.ItemId!).Distinct(StringComparer.Ordinal) : [])
        {
            if (!itemIndex.ContainsKey(id))
            {
                itemIndex[id] = catalog.Count;
                catalog.Add(new CatalogItem { ItemId = id });
            }
        }

        index.Upsert(catalog);
        var ranker = new InterestRanker(engine, index, catalog);
        var live = new Dictionary<string, ProfileState>(StringComparer.Ordinal);
        Dictionary<string, ProfileState>? frozen = null;
        var periodic = new Dictionary<string, ProfileState>(StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var refreshMs = (long)(refreshHours * 3_600_000);
        long seen = 0, nextRefresh = long.MinValue;
        var evaluated = 0;
        var hits = new Dictionary<(string Variant, int Window), (double Hr, double Ndcg, int N)>();
        long windowStart = 0;
        foreach (var e in stream)
        {
            seen++;
            if (seen % 2_000 == 0 || seen == warmupEvents)
            {
                ranker.Refresh();
            }

            if (nextRefresh == long.MinValue || e.TimestampMs >= nextRefresh)
            {
                foreach (var user in changed)
                {
                    periodic[user] = live[user].Clone();
                }

                changed.Clear();
                nextRefresh = (nextRefresh == long.MinValue ? e.TimestampMs : nextRefresh) + refreshMs;
            }

            var isItemEvent = e.ItemId is not null && e.Type is (byte)EventType.View or (byte)EventType.Click or (byte)EventType.CartAdd or (byte)EventType.Purchase or (byte)EventType.Rate;
            if (seen > warmupEvents && isItemEvent && itemIndex.TryGetValue(e.ItemId!, out var target))
            {
                if (frozen is null)
                {
                    frozen = live.ToDictionary(p => p.Key, p => p.Value.Clone(), StringComparer.Ordinal);
                    windowStart = e.TimestampMs;
                }

                var window = (int)((e.TimestampMs - windowStart) / (7 * 86_400_000L)) + 1;
                evaluated++;
                foreach (var variant in variants)
                {
                    var state = variant switch
                    {
                        "live" => live.GetValueOrDefault(e.UserId),
                        "frozen" => frozen.GetValueOrDefault(e.UserId),
                        "periodic" => periodic.GetValueOrDefault(e.UserId),
                        _ => null,
                    };
                    var top = ranker.TopK(state, e.TimestampMs, k);
                    var rank = Array.IndexOf(top, target) + 1;
                    var (hr, ndcg) = rank > 0 ? (1.0, 1 / Math.Log2(rank + 1)) : (0.0, 0.0);
                    foreach (var w in new[] { 0, window })
                    {
                        var acc = hits.GetValueOrDefault((variant, w));
                        hits[(variant, w)] = (acc.Hr + hr, acc.Ndcg + ndcg, acc.N + 1);
                    }
                }
            }

            if (!live.TryGetValue(e.UserId, out var s))
            {
                s = new ProfileState(e.UserId);
                live[e.UserId] = s;
            }

            engine.Apply(s, e, index);
            changed.Add(e.UserId);
            if (e.ItemId is not null && itemIndex.TryGetValue(e.ItemId, out var item))
            {
                ranker.Count(item);
            }
        }

        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var periodicName = $"periodic_{refreshHours:0.#}h";
        string Name(string v) => v == "periodic" ? periodicName : v;
        foreach (var ((variant, window), (hr, ndcg, n)) in hits)
        {
            var prefix = window == 0 ? Name(variant) : $"window_{window:D2}.{Name(variant)}";
            metrics[$"{prefix}.hr@{k}"] = Math.Round(hr / n, 6);
            metrics[$"{prefix}.ndcg@{k}"] = Math.Round(ndcg / n, 6);
        }

        foreach (var other in new[] { "frozen", periodicName }.Where(o => metrics.ContainsKey($"{o}.hr@{k}") && metrics.ContainsKey($"live.hr@{k}")))
        {
            foreach (var m in new[] { "hr", "ndcg" })
            {
                var baseline = metrics.GetValueOrDefault($"{other}.{m}@{k}");
                metrics[$"gain_vs_{other}.{m}@{k}"] = baseline > 0 ? Math.Round((metrics[$"live.{m}@{k}"] / baseline) - 1, 6) : 0;
            }
        }

        return (metrics, evaluated);
    }
}
