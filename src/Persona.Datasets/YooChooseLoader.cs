using System.Globalization;
using Persona.Core.Catalog;
using Persona.Core.Events;

namespace Persona.Datasets;

/// <summary>
/// YooChoose (RecSys Challenge 2015) clicks. Two layouts: the raw <c>*.dat</c>
/// (<c>SessionId,ISO-8601 time,ItemId,Category</c>, no header) and session-rec's prepared TSV
/// (header <c>SessionId ItemId Time</c>, Unix seconds as a float). Sessions are anonymous: each becomes a
/// user <c>s&lt;SessionId&gt;</c> with that session id; every click is a view. A non-zero raw category
/// becomes the item's category. A folder loads its <c>*_train_full.txt</c>.
/// </summary>
public static class YooChooseLoader
{
    /// <summary>Streams the events, line by line; a raw non-zero category travels in <c>context.category</c>.</summary>
    public static IEnumerable<BehaviorEvent> Read(string path)
    {
        var file = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*_train_full.txt").FirstOrDefault() ?? Directory.EnumerateFiles(path, "*.dat").First()
            : path;
        var n = 0;
        var raw = file.EndsWith(".dat", StringComparison.OrdinalIgnoreCase);
        foreach (var line in File.ReadLines(file))
        {
            n++;
            if (line.Length == 0 || (!raw && n == 1 && line.StartsWith("SessionId", StringComparison.Ordinal)))
            {
                continue;
            }

            string session, item;
            string? category = null;
            long ms;
            if (raw)
            {
                var f = line.Split(',');
                if (f.Length != 4 || !DateTimeOffset.TryParse(f[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                {
                    throw new LoaderException($"{Path.GetFileName(file)}:{n}: expected 'SessionId,ISO-8601 time,ItemId,Category'");
                }

                (session, item, ms) = (f[0], f[2], t.ToUnixTimeMilliseconds());
                if (f[3] != "0")
                {
                    category = f[3];
                }
            }
            else
            {
                var f = line.Split('\t');
                if (f.Length != 3 || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                {
                    throw new LoaderException($"{Path.GetFileName(file)}:{n}: expected 'SessionId<TAB>ItemId<TAB>unix seconds'");
                }

                (session, item, ms) = (f[0], f[1], (long)Math.Round(seconds * 1000));
            }

            var e = EventDataset.Event($"{Path.GetFileNameWithoutExtension(file)}:{n}", EventType.View, "s" + session, session, item, ms);
            yield return category is null ? e : e with { Context = new EventContext { Values = new Dictionary<string, string> { ["category"] = category } } };
        }
    }

    public static EventDataset Load(string path)
    {
        var events = Read(path).ToList();
        var file = Directory.Exists(path) ? events.FirstOrDefault()?.EventId.Split(':')[0] ?? "yoochoose" : Path.GetFileNameWithoutExtension(path);
        return new EventDataset
        {
            Name = file,
            Events = events,
            Catalog = [.. events.Where(e => e.Context?.Values?.ContainsKey("category") == true)
                .GroupBy(e => e.ItemId!, StringComparer.Ordinal)
                .Select(g => new CatalogItem { ItemId = g.Key, CategoryPath = [g.Last().Context!.Values!["category"]] })],
        };
    }
}
