using System.Globalization;
using Persona.Core.Catalog;
using Persona.Core.Events;

namespace Persona.Datasets;

/// <summary>
/// Alibaba Taobao UserBehavior: <c>user_id,item_id,category_id,behavior_type,timestamp</c> (no header, Unix
/// seconds; a file, every <c>*.csv</c> of a folder in name order, or the files a name pattern such as
/// <c>taobao/UserBehavior_*-users.csv</c> matches). pv / cart / buy → view / cart_add /
/// purchase; fav (adding to favourites, which no built-in type names) → click with <c>context.action = fav</c>,
/// so that it still counts as engagement and can be told apart. The catalog gives each item its category id as
/// a one-level category path: the data has no tree, names, brands or prices.
/// </summary>
public static class TaobaoLoader
{
    private static readonly IReadOnlyDictionary<string, string> Favourite = new Dictionary<string, string>(StringComparer.Ordinal) { ["action"] = "fav" };

    /// <summary>Streams the events, line by line.</summary>
    public static IEnumerable<BehaviorEvent> Read(string path) => Rows(path).Select(r => r.Event);

    /// <summary>The catalog: each item with its category.</summary>
    public static IReadOnlyList<CatalogItem> Catalog(string path)
    {
        var items = new Dictionary<string, CatalogItem>(StringComparer.Ordinal);
        foreach (var (e, category) in Rows(path))
        {
            items[e.ItemId!] = new CatalogItem { ItemId = e.ItemId!, CategoryPath = [category] };
        }

        return [.. items.Values];
    }

    public static EventDataset Load(string path) => new() { Name = "taobao", Events = [.. Read(path)], Catalog = Catalog(path) };

    private static IEnumerable<(BehaviorEvent Event, string Category)> Rows(string path)
    {
        var files = DataFiles.Resolve(path, "*.csv");
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var n = 0;
            foreach (var line in File.ReadLines(file))
            {
                n++;
                if (line.Length == 0)
                {
                    continue;
                }

                var f = line.Split(',');
                var type = f.Length == 5 ? f[3] switch
                {
                    "pv" => EventType.View,
                    "cart" => EventType.CartAdd,
                    "fav" => EventType.Click,
                    "buy" => EventType.Purchase,
                    _ => (EventType?)null,
                } : null;
                if (type is null || !long.TryParse(f[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) || f[0].Length == 0 || f[1].Length == 0 || f[2].Length == 0)
                {
                    throw new LoaderException($"{name}:{n}: expected 'user_id,item_id,category_id,pv|cart|fav|buy,unix seconds'");
                }

                yield return (new BehaviorEvent
                {
                    EventId = $"taobao:{name}:{n}",
                    Type = (byte)type.Value,
                    UserId = f[0],
                    ItemId = f[1],
                    TimestampMs = seconds * 1000,
                    Context = f[3] == "fav" ? new EventContext { Values = Favourite } : null,
                }, f[2]);
            }
        }
    }
}
