using System.Globalization;
using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Core.Ingest;

namespace Persona.Datasets;

/// <summary>
/// REES46 / Open CDP e-commerce events: <c>event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session</c>
/// (a file, or every <c>*.csv</c> of a folder in name order). view / cart / remove_from_cart / purchase →
/// view / cart_add / cart_remove / purchase, with the price; the session is <c>user_session</c>. The catalog
/// holds each product's category path (<c>category_code</c> split at the dots; empty where the data has none),
/// brand, last price and <c>category_id</c> (an attribute).
/// </summary>
public static class Rees46Loader
{
    private const string Header = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session";

    /// <summary>Streams the events, line by line.</summary>
    public static IEnumerable<BehaviorEvent> Read(string path) => Rows(path).Select(r => r.Event);

    /// <summary>The catalog: each product as its latest row describes it.</summary>
    public static IReadOnlyList<CatalogItem> Catalog(string path)
    {
        var items = new Dictionary<string, CatalogItem>(StringComparer.Ordinal);
        foreach (var row in Rows(path))
        {
            items[row.Item.ItemId] = row.Item;
        }

        return [.. items.Values];
    }

    public static EventDataset Load(string path) => new() { Name = "rees46", Events = [.. Read(path)], Catalog = Catalog(path) };

    private static IEnumerable<(BehaviorEvent Event, CatalogItem Item)> Rows(string path)
    {
        var files = DataFiles.Resolve(path, "*.csv");
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var n = 0;
            foreach (var line in File.ReadLines(file))
            {
                n++;
                if (n == 1)
                {
                    if (line.TrimStart('\uFEFF') != Header)
                    {
                        throw new LoaderException($"{name}:1: expected the header '{Header}'");
                    }

                    continue;
                }

                if (line.Length > 0)
                {
                    yield return Parse(line, name, n);
                }
            }
        }
    }

    private static (BehaviorEvent, CatalogItem) Parse(string line, string file, int n)
    {
        var f = CsvLine.Split(line);
        var type = f.Count == 9 ? f[1] switch
        {
            "view" => EventType.View,
            "cart" => EventType.CartAdd,
            "remove_from_cart" => EventType.CartRemove,
            "purchase" => EventType.Purchase,
            _ => (EventType?)null,
        } : null;
        if (type is null
            || !DateTime.TryParseExact(f[0], "yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            || f[2].Length == 0 || f[7].Length == 0)
        {
            throw new LoaderException($"{file}:{n}: expected 'yyyy-MM-dd HH:mm:ss UTC,view|cart|remove_from_cart|purchase,product_id,category_id,category_code,brand,price,user_id,user_session'");
        }

        double? price = f[6].Length == 0 ? null
            : double.TryParse(f[6], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p >= 0 ? p
            : throw new LoaderException($"{file}:{n}: price '{f[6]}' is not a number of 0 or more");
        var item = new CatalogItem
        {
            ItemId = f[2],
            CategoryPath = f[4].Length == 0 ? [] : f[4].Split('.'),
            Brand = f[5].Length == 0 ? null : f[5],
            Price = price,
            Attributes = f[3].Length == 0 ? null : new Dictionary<string, string>(StringComparer.Ordinal) { ["category_id"] = f[3] },
        };
        var e = new BehaviorEvent
        {
            EventId = $"rees46:{file}:{n}",
            Type = (byte)type.Value,
            UserId = f[7],
            SessionId = f[8].Length == 0 ? null : f[8],
            ItemId = f[2],
            TimestampMs = new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            Price = price,
        };
        return (e, item);
    }
}
