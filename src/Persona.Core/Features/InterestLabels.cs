using System.Collections.Concurrent;
using Persona.Core.Catalog;

namespace Persona.Core.Features;

/// <summary>
/// The K labels an interest model predicts over: category paths at one depth of the catalog tree (the
/// top-level categories, or the first level with more than one node, so that MovieLens' single root
/// <c>Movies</c> gives its genres <c>Movies/Drama</c>, …). Where the tree has more categories at that depth
/// than labels, the last label, <see cref="Other"/>, stands for all the rest. An item's label is its
/// category at that depth; an item whose path is shallower has none (-1).
/// </summary>
public sealed class InterestLabels
{
    /// <summary>The name of the label for the categories at the depth that have no label of their own.</summary>
    public const string Other = "(other)";

    private readonly Dictionary<string, int> _byPath;
    private readonly ConcurrentDictionary<ulong, int> _byFeature = new();

    /// <param name="paths">Category paths ('/'-joined, <paramref name="depth"/> nodes each), in label order; distinct. <see cref="Other"/> may close the list.</param>
    /// <param name="depth">The tree depth of the labels (1: top level).</param>
    public InterestLabels(IEnumerable<string> paths, int depth = 1)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        Names = [.. paths];
        Depth = depth;
        if (Names.Count == 0)
        {
            throw new ArgumentException("interest labels: at least one category is needed", nameof(paths));
        }

        _byPath = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Names.Count; i++)
        {
            var name = Names[i];
            if (name == Other)
            {
                if (i != Names.Count - 1)
                {
                    throw new ArgumentException($"interest labels: {Other} must be the last label", nameof(paths));
                }

                continue;
            }

            if (string.IsNullOrWhiteSpace(name) || name.Contains('\n', StringComparison.Ordinal) || name.Split('/').Length != depth)
            {
                throw new ArgumentException($"interest labels: label {i} ('{name}') is not a category path of {depth} node(s)", nameof(paths));
            }

            if (!_byPath.TryAdd(name, i))
            {
                throw new ArgumentException($"interest labels: '{name}' appears twice", nameof(paths));
            }

            _byFeature[FeatureId.Of(FeatureKind.Category, name)] = i;
        }
    }

    /// <summary>The labels' category paths, in label order (<see cref="Other"/> last, if present).</summary>
    public IReadOnlyList<string> Names { get; }

    public int Depth { get; }

    public int Count => Names.Count;

    public bool HasOther => Names[^1] == Other;

    /// <summary>
    /// Labels from a catalog: the shallowest depth at which the items' paths have two or more distinct nodes,
    /// and there the categories with the most weight (an item weighs its count in
    /// <paramref name="itemWeights"/>, or 1; ties in ordinal order); past <paramref name="max"/> categories,
    /// the heaviest max − 1 and <see cref="Other"/>.
    /// </summary>
    public static InterestLabels FromCatalog(IEnumerable<CatalogItem> items, int max = 64, IReadOnlyDictionary<string, long>? itemWeights = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
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
                    weights[path] = weights.GetValueOrDefault(path) + (itemWeights is null ? 1 : itemWeights.GetValueOrDefault(item.ItemId));
                }
            }

            if (weights.Count >= 2 || depth == deepest)
            {
                var ranked = weights.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).ToList();
                return new InterestLabels(ranked.Count <= max ? ranked : [.. ranked.Take(max - 1), Other], depth);
            }
        }

        throw new ArgumentException("interest labels: no catalog item has a category", nameof(items));
    }

    /// <summary>The label of a category path ('/'-joined, any depth), or -1 when it is shallower than <see cref="Depth"/>.</summary>
    public int OfPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return -1;
        }

        var end = -1;
        for (var d = 0; d < Depth; d++)
        {
            if (end >= path.Length)
            {
                return -1; // fewer nodes than the depth
            }

            var next = path.IndexOf('/', end + 1);
            end = next < 0 ? path.Length : next;
        }

        return _byPath.TryGetValue(path[..end], out var i) ? i : HasOther ? Count - 1 : -1;
    }

    /// <summary>The label of an item (its category at the labels' depth), or -1.</summary>
    public int Of(ItemFeatures? item) => item?.Category is { } c ? OfPath(c.Path) : -1;

    /// <summary>The label of an interest feature id (a category node at the labels' depth), or -1; the catalog names unknown nodes.</summary>
    public int Of(ulong feature, ICatalogView catalog)
    {
        if (_byFeature.TryGetValue(feature, out var i))
        {
            return i;
        }

        if (!HasOther || FeatureId.KindOf(feature) != FeatureKind.Category || catalog.FeatureName(feature) is not { } key)
        {
            return -1;
        }

        // A category node of its own: "category:" + path; it is in the other bucket when it lies at the depth.
        i = key.AsSpan("category:".Length).Count('/') + 1 == Depth ? Count - 1 : -1;
        _byFeature.TryAdd(feature, i);
        return i;
    }
}
