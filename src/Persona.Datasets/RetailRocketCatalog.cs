using System.Globalization;
using Persona.Core.Catalog;

namespace Persona.Datasets;

/// <summary>
/// RetailRocket's catalog: <c>item_properties*.csv</c> (<c>timestamp,itemid,property,value</c>, weekly
/// snapshots of each item's properties; all but <c>categoryid</c> and <c>available</c> are hashed, so only
/// those two are used, the newest value by timestamp winning) and <c>category_tree.csv</c>
/// (<c>categoryid,parentid</c>; an empty parent is a root). An item's category path is its category and its
/// ancestors, root first, as <c>c&lt;id&gt;</c>; <c>available</c> 0 means out of stock. Memory grows with the
/// number of items and categories, not with the property files.
/// </summary>
public static class RetailRocketCatalog
{
    /// <summary>Whether <paramref name="folder"/> holds item property files.</summary>
    public static bool Present(string folder) =>
        Directory.Exists(folder) && Directory.EnumerateFiles(folder, "item_properties*.csv").Any();

    public static IReadOnlyList<CatalogItem> Load(string folder)
    {
        var parents = ReadTree(Path.Combine(folder, "category_tree.csv"));
        var category = new Dictionary<string, (long Time, int Id)>(StringComparer.Ordinal);
        var available = new Dictionary<string, (long Time, bool Value)>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "item_properties*.csv").Order(StringComparer.Ordinal))
        {
            var n = 0;
            foreach (var line in File.ReadLines(file))
            {
                n++;
                if ((n == 1 && line.StartsWith("timestamp,", StringComparison.Ordinal)) || line.Length == 0)
                {
                    continue;
                }

                var f = line.Split(',', 4);
                if (f.Length != 4 || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var time) || f[1].Length == 0)
                {
                    throw new LoaderException($"{Path.GetFileName(file)}:{n}: expected 'timestamp,itemid,property,value'");
                }

                if (f[2] == "categoryid")
                {
                    if (!int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    {
                        throw new LoaderException($"{Path.GetFileName(file)}:{n}: categoryid '{f[3]}' is not a number");
                    }

                    if (!category.TryGetValue(f[1], out var old) || time >= old.Time)
                    {
                        category[f[1]] = (time, id);
                    }
                }
                else if (f[2] == "available")
                {
                    if (f[3] is not ("0" or "1"))
                    {
                        throw new LoaderException($"{Path.GetFileName(file)}:{n}: available '{f[3]}' is not 0 or 1");
                    }

                    if (!available.TryGetValue(f[1], out var old) || time >= old.Time)
                    {
                        available[f[1]] = (time, f[3] == "1");
                    }
                }
            }
        }

        var items = new List<CatalogItem>(category.Count);
        foreach (var item in category.Keys.Union(available.Keys).Order(StringComparer.Ordinal))
        {
            items.Add(new CatalogItem
            {
                ItemId = item,
                CategoryPath = category.TryGetValue(item, out var c) ? CategoryPath(c.Id, parents) : [],
                InStock = !available.TryGetValue(item, out var a) || a.Value,
            });
        }

        return items;
    }

    private static Dictionary<int, int> ReadTree(string file)
    {
        var parents = new Dictionary<int, int>();
        if (!File.Exists(file))
        {
            return parents;
        }

        var n = 0;
        foreach (var line in File.ReadLines(file))
        {
            n++;
            if ((n == 1 && line.StartsWith("categoryid", StringComparison.Ordinal)) || line.Length == 0)
            {
                continue;
            }

            var f = line.Split(',');
            if (f.Length != 2 || !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new LoaderException($"{Path.GetFileName(file)}:{n}: expected 'categoryid,parentid'");
            }

            if (f[1].Length > 0)
            {
                if (!int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
                {
                    throw new LoaderException($"{Path.GetFileName(file)}:{n}: parentid '{f[1]}' is not a number");
                }

                parents[id] = parent;
            }
        }

        return parents;
    }

    /// <summary>Root-first path of a category (at most 16 levels; a cycle stops the walk).</summary>
    private static string[] CategoryPath(int id, Dictionary<int, int> parents)
    {
        var path = new List<string> { "c" + id.ToString(CultureInfo.InvariantCulture) };
        var seen = new HashSet<int> { id };
        while (path.Count < 16 && parents.TryGetValue(id, out var parent) && seen.Add(parent))
        {
            path.Add("c" + parent.ToString(CultureInfo.InvariantCulture));
            id = parent;
        }

        path.Reverse();
        return [.. path];
    }
}
