using Persona.Core.Catalog;

namespace Persona.Core.Features;

/// <summary>
/// The K labels an interest model predicts over: category paths at one depth of the catalog tree (the
/// top-level categories, or the first level with more than one node, so that MovieLens' single root
/// <c>Movies</c> gives its genres <c>Movies/Drama</c>, …). An item's label is the category of its path at
/// that depth; an item without one (a shallower path, or a category past the most frequent
/// <c>max</c>) has none (-1).
/// </summary>
public sealed class InterestLabels
{
    private readonly Dictionary<ulong, int> _byFeature;

    /// <param name="paths">Category paths ('/'-joined), in label order; distinct and non-empty.</param>
    public InterestLabels(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Names = [.. paths];
        if (Names.Count == 0)
        {
            throw new ArgumentException("interest labels: at least one category is needed", nameof(paths));
        }

        _byFeature = [];
        for (var i = 0; i < Names.Count; i++)
        {
            var name = Names[i];
            if (string.IsNullOrWhiteSpace(name) || name.Contains('\n', StringComparison.Ordinal))
            {
                throw new ArgumentException($"interest labels: label {i} is empty or spans lines", nameof(paths));
            }

            if (!_byFeature.TryAdd(FeatureId.Of(FeatureKind.Category, name), i))
            {
                throw new ArgumentException($"interest labels: '{name}' appears twice", nameof(paths));
            }
        }
    }

    /// <summary>The labels' category paths, in label order.</summary>
    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    /// <summary>
    /// Labels from a catalog: the shallowest depth at which the items' paths have two or more distinct
    /// nodes, and there the <paramref name="max"/> categories with the most weight (an item weighs its
    /// count in <paramref name="itemWeights"/>, or 1), ties in ordinal order.
    /// </summary>
    public static InterestLabels FromCatalog(IEnumerable<CatalogItem> items, int max = 64, IReadOnlyDictionary<string, long>? itemWeights = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var list = items.Where(i => i.CategoryPath.Count > 0).ToList();
        var deepest = list.Count == 0 ? 0 : list.Max(i => i.CategoryPath.Count);
        for (var depth = 1; depth <= deepest; depth++)
        {
            var weights = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var item in list)
            {
                if (item.CategoryPath.Count >= depth)
                {
                    var path = string.Join('/', item.CategoryPath.Take(depth));
                    var w = itemWeights is null ? 1 : itemWeights.GetValueOrDefault(item.ItemId);
                    weights[path] = weights.GetValueOrDefault(path) + w;
                }
            }

            if (weights.Count >= 2 || depth == deepest)
            {
                return new InterestLabels(weights.Where(p => p.Value > 0 || itemWeights is null)
                    .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
                    .Take(max).Select(p => p.Key));
            }
        }

        throw new ArgumentException("interest labels: no catalog item has a category", nameof(items));
    }

    /// <summary>The label of an interest feature id, or -1.</summary>
    public int Of(ulong categoryFeature) => _byFeature.TryGetValue(categoryFeature, out var i) ? i : -1;

    /// <summary>The label of an item (the first of its category nodes that is a label), or -1.</summary>
    public int Of(ItemFeatures? item)
    {
        if (item is null)
        {
            return -1;
        }

        foreach (var f in item.Features)
        {
            if (FeatureId.KindOf(f) == FeatureKind.Category && _byFeature.TryGetValue(f, out var i))
            {
                return i;
            }
        }

        return -1;
    }
}
