using Persona.Core.Catalog;
using Persona.Core.Engine;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// Top-K items from a profile, fast enough to ask before every event: the user's strongest leaf
/// categories (decayed weights now) each propose their most popular items; candidates score
/// leaf weight × (1 + brand and price-band affinity), popularity breaking ties. Users without interests
/// get the globally most popular items.
/// </summary>
internal sealed class InterestRanker
{
    private readonly ProfileEngine _engine;
    private readonly IReadOnlyList<CatalogItem> _catalog;
    private readonly Dictionary<ulong, List<int>> _itemsByLeaf = [];
    private readonly ulong[][] _features;
    private readonly HashSet<ulong> _leaves = [];
    private readonly int[] _counts;
    private int[] _popular = [];

    public InterestRanker(ProfileEngine engine, CatalogIndex index, IReadOnlyList<CatalogItem> catalog)
    {
        _engine = engine;
        _catalog = catalog;
        _counts = new int[catalog.Count];
        _popular = [.. Enumerable.Range(0, Math.Min(100, catalog.Count))];
        _features = new ulong[catalog.Count][];
        for (var i = 0; i < catalog.Count; i++)
        {
            _features[i] = index.Find(catalog[i].ItemId)?.Features ?? [];
            if (catalog[i].CategoryPath.Count > 0)
            {
                var leaf = FeatureId.Of(FeatureKind.Category, string.Join('/', catalog[i].CategoryPath));
                _leaves.Add(leaf);
                if (!_itemsByLeaf.TryGetValue(leaf, out var list))
                {
                    list = [];
                    _itemsByLeaf[leaf] = list;
                }

                list.Add(i);
            }
        }
    }

    /// <summary>Counts an interaction for popularity (online, from the stream itself).</summary>
    public void Count(int item) => _counts[item]++;

    /// <summary>Re-sorts each leaf's items by popularity; call now and then (it is what "most popular" means).</summary>
    public void Refresh()
    {
        _popular = [.. Enumerable.Range(0, _counts.Length).OrderByDescending(i => _counts[i]).ThenBy(i => i).Take(100)];
        foreach (var list in _itemsByLeaf.Values)
        {
            list.Sort((a, b) => _counts[b] != _counts[a] ? _counts[b].CompareTo(_counts[a]) : a.CompareTo(b));
        }
    }

    public int[] TopK(ProfileState? state, long nowMs, int k)
    {
        if (state is null || state.EventCount == 0)
        {
            return Popular(k);
        }

        var weights = _engine.Interests(state, nowMs).Where(x => x.Weight > 0).ToDictionary(x => x.Feature, x => x.Weight);
        var leaves = weights.Where(x => _leaves.Contains(x.Key)).OrderByDescending(x => x.Value).ThenBy(x => x.Key).Take(3).ToList();
        if (leaves.Count == 0)
        {
            return Popular(k);
        }

        var top = leaves[0].Value;
        var candidates = new List<(double Score, int Item)>();
        foreach (var (leaf, w) in leaves)
        {
            foreach (var item in _itemsByLeaf[leaf].Take(3 * k))
            {
                var affinity = 0.0;
                foreach (var f in _features[item])
                {
                    var kind = FeatureId.KindOf(f);
                    if (kind is FeatureKind.Brand or FeatureKind.PriceBand && weights.TryGetValue(f, out var fw))
                    {
                        affinity += fw / top;
                    }
                }

                candidates.Add(((w / top * (1 + affinity)) + (_counts[item] * 1e-9), item));
            }
        }

        return [.. candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Item).Take(k).Select(c => c.Item)];
    }

    private int[] Popular(int k) => _popular.Length >= k ? _popular[..k] : _popular;
}
