using System.Globalization;
using Persona.Core.Events;

namespace Persona.Datasets;

/// <summary>
/// RetailRocket. Native <c>events.csv</c> (<c>timestamp,visitorid,event,itemid,transactionid</c>, ms;
/// view / addtocart / transaction → view / cart_add / purchase) or session-rec's prepared TSV
/// (<c>timestamp user_id item_id session_id</c>, Unix seconds, no event type: every row a view).
/// The layout is recognised from the header. A folder may also hold the catalog files (<see cref="RetailRocketCatalog"/>).
/// </summary>
public static class RetailRocketLoader
{
    /// <summary>Streams the events, line by line (memory independent of file size).</summary>
    public static IEnumerable<BehaviorEvent> Read(string path)
    {
        var file = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "events.csv").FirstOrDefault() ?? Directory.EnumerateFiles(path, "*.csv").First()
            : path;
        var n = 0;
        var native = false;
        foreach (var line in File.ReadLines(file))
        {
            n++;
            if (n == 1)
            {
                native = line.StartsWith("timestamp,visitorid,event", StringComparison.Ordinal);
                if (native || line.StartsWith("timestamp", StringComparison.Ordinal))
                {
                    continue;
                }
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (native)
            {
                var f = line.Split(',');
                var type = f.Length == 5 ? f[2] switch
                {
                    "view" => EventType.View,
                    "addtocart" => EventType.CartAdd,
                    "transaction" => EventType.Purchase,
                    _ => (EventType?)null,
                } : null;
                if (type is null || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                {
                    throw new LoaderException($"{Path.GetFileName(file)}:{n}: expected 'timestamp,visitorid,view|addtocart|transaction,itemid,transactionid'");
                }

                yield return EventDataset.Event($"rr:{n}", type.Value, f[1], null, f[3], ms);
            }
            else
            {
                var f = line.Split('\t');
                if (f.Length != 4 || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                {
                    throw new LoaderException($"{Path.GetFileName(file)}:{n}: expected 'timestamp<TAB>user_id<TAB>item_id<TAB>session_id'");
                }

                yield return EventDataset.Event($"rr:{n}", EventType.View, f[1], f[3], f[2], seconds * 1000);
            }
        }
    }

    /// <summary>The events, with the catalog when the folder holds <c>item_properties*.csv</c> (see <see cref="RetailRocketCatalog"/>).</summary>
    public static EventDataset Load(string path) => new() { Name = "retailrocket", Events = [.. Read(path)], Catalog = Catalog(path) };

    /// <summary>The catalog beside the events, or none.</summary>
    public static IReadOnlyList<Core.Catalog.CatalogItem> Catalog(string path) =>
        RetailRocketCatalog.Present(path) ? RetailRocketCatalog.Load(path) : [];
}
