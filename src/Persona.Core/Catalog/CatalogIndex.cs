using System.Collections.Concurrent;

namespace Persona.Core.Catalog;

/// <summary>
/// The in-memory catalog: items compiled to feature ids, feature names, and per-category median
/// prices. One writer (upserts) and many readers are safe.
/// </summary>
public sealed class CatalogIndex : ICatalogView
{
    private readonly ConcurrentDictionary<string, ItemFeatures> _items = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CatalogItem> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ulong, string> _names = new();
    private readonly Dictionary<string, Dictionary<string, double>> _categoryPrices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CategoryStats> _categories = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();

    public int Count => _items.Count;

    public ItemFeatures? Find(string itemId) => _items.TryGetValue(itemId, out var f) ? f : null;

    public CatalogItem? Record(string itemId) => _records.TryGetValue(itemId, out var r) ? r : null;

    public IEnumerable<CatalogItem> Records => _records.Values;

    public double? CategoryMedianPrice(string category) => _categories.TryGetValue(category, out var c) ? c.MedianPrice : null;

    public string? FeatureName(ulong featureId) => _names.TryGetValue(featureId, out var n) ? n : null;

    /// <summary>Registers a feature name (e.g. from a preference event) and returns its id.</summary>
    public ulong Register(FeatureKind kind, string name)
    {
        var id = FeatureId.Of(kind, name);
        _names.TryAdd(id, FeatureId.Key(kind, name));
        return id;
    }

    /// <summary>Inserts or replaces items; medians of the touched categories are recomputed.</summary>
    public void Upsert(IEnumerable<CatalogItem> items)
    {
        lock (_writeLock)
        {
            var touched = new HashSet<string>(StringComparer.Ordinal);
            var batch = new List<CatalogItem>();
            foreach (var item in items)
            {
                if (_records.TryGetValue(item.ItemId, out var old) && old.CategoryPath.Count > 0)
                {
                    var oldLeaf = string.Join('/', old.CategoryPath);
                    if (_categoryPrices.TryGetValue(oldLeaf, out var prices) && prices.Remove(item.ItemId))
                    {
                        touched.Add(oldLeaf);
                    }
                }

                if (item.CategoryPath.Count > 0 && item.Price is > 0)
                {
                    var leaf = string.Join('/', item.CategoryPath);
                    if (!_categoryPrices.TryGetValue(leaf, out var prices))
                    {
                        prices = new Dictionary<string, double>(StringComparer.Ordinal);
                        _categoryPrices[leaf] = prices;
                    }

                    prices[item.ItemId] = item.Price.Value;
                    touched.Add(leaf);
                }

                _records[item.ItemId] = item;
                batch.Add(item);
            }

            foreach (var leaf in touched)
            {
                var prices = _categoryPrices[leaf].Values.ToArray();
                if (prices.Length == 0)
                {
                    Category(leaf).SetMedian(null);
                    continue;
                }

                Array.Sort(prices);
                var mid = prices.Length / 2;
                Category(leaf).SetMedian(prices.Length % 2 == 1 ? prices[mid] : (prices[mid - 1] + prices[mid]) / 2);
            }

            foreach (var item in batch)
            {
                _items[item.ItemId] = Compile(item);
            }
        }
    }

    private CategoryStats Category(string path) => _categories.GetOrAdd(path, p => new CategoryStats(p));

    private ItemFeatures Compile(CatalogItem item)
    {
        var features = new List<ulong>(item.CategoryPath.Count + item.Tags.Count + 2);
        var path = string.Empty;
        foreach (var node in item.CategoryPath)
        {
            path = path.Length == 0 ? node : path + "/" + node;
            features.Add(Register(FeatureKind.Category, path));
        }

        if (!string.IsNullOrEmpty(item.Brand))
        {
            features.Add(Register(FeatureKind.Brand, item.Brand));
        }

        foreach (var tag in item.Tags)
        {
            var id = Register(FeatureKind.Tag, tag);
            if (!features.Contains(id))
            {
                features.Add(id);
            }
        }

        if (item.Price is > 0)
        {
            features.Add(Register(FeatureKind.PriceBand, FeatureId.PriceBandName(item.Price.Value)));
        }

        return new ItemFeatures([.. features], item.Price, item.CategoryPath.Count > 0 ? Category(string.Join('/', item.CategoryPath)) : null) { ItemId = item.ItemId };
    }
}
