using System.Globalization;
using System.Text;
using Persona.Core.Catalog;

namespace Persona.Evaluation.Loaders;

/// <summary>
/// The MovieLens 100K layout: <c>u.data</c> (user, item, rating 1–5, Unix seconds; tab-separated) becomes
/// rate events in time order per user; <c>u.item</c> (pipe-separated, ISO-8859-1, 19 genre flags named in
/// <c>u.genre</c>) becomes catalog items with category <c>["Movies", first genre]</c> and every genre as a
/// tag; <c>u.user</c> (age, gender, occupation, zip) is user data, read for counts. A malformed line is
/// reported with its file and number.
/// </summary>
public static class MovieLensLoader
{
    public static SequenceDataset Load(string path)
    {
        var dir = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        var data = Path.Combine(dir, "u.data");
        if (!File.Exists(data))
        {
            throw new LoaderException($"dataset: no u.data in {dir}");
        }

        var latin1 = Encoding.Latin1;
        var genres = File.Exists(Path.Combine(dir, "u.genre"))
            ? File.ReadLines(Path.Combine(dir, "u.genre"), latin1).Where(l => l.Contains('|', StringComparison.Ordinal)).Select(l => l.Split('|')[0]).ToArray()
            : [];
        var catalogById = new Dictionary<string, CatalogItem>(StringComparer.Ordinal);
        var itemFile = Path.Combine(dir, "u.item");
        if (File.Exists(itemFile))
        {
            var n = 0;
            foreach (var line in File.ReadLines(itemFile, latin1))
            {
                n++;
                if (line.Length == 0)
                {
                    continue;
                }

                var f = line.Split('|');
                if (f.Length < 5 + genres.Length)
                {
                    throw new LoaderException($"u.item:{n}: expected {5 + genres.Length} '|'-separated fields, found {f.Length}");
                }

                var itemGenres = genres.Where((_, g) => f[5 + g] == "1").ToList();
                catalogById[f[0]] = new CatalogItem
                {
                    ItemId = f[0],
                    Title = f[1],
                    CategoryPath = itemGenres.Count > 0 ? ["Movies", itemGenres[0]] : ["Movies"],
                    Tags = itemGenres,
                };
            }
        }

        var byUser = new Dictionary<string, List<(string Item, long Time)>>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(data))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split('\t');
            if (f.Length != 4 || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var rating) || rating is < 1 or > 5
                || !long.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                throw new LoaderException($"u.data:{lineNumber}: expected 'user<TAB>item<TAB>rating 1-5<TAB>unix seconds'");
            }

            if (!byUser.TryGetValue(f[0], out var list))
            {
                list = [];
                byUser[f[0]] = list;
            }

            list.Add((f[1], seconds * 1000));
        }

        var userIds = byUser.Keys.OrderBy(u => int.Parse(u, CultureInfo.InvariantCulture)).ToList();
        var itemIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemIds = new List<string>();
        var sequences = new List<Interaction[]>();
        for (var u = 0; u < userIds.Count; u++)
        {
            var seq = byUser[userIds[u]].OrderBy(x => x.Time).ThenBy(x => x.Item, StringComparer.Ordinal).Select(x =>
            {
                if (!itemIndex.TryGetValue(x.Item, out var i))
                {
                    i = itemIds.Count;
                    itemIndex[x.Item] = i;
                    itemIds.Add(x.Item);
                }

                return new Interaction(u, i, x.Time);
            }).ToArray();
            sequences.Add(seq);
        }

        var catalog = itemIds.Select(id => catalogById.TryGetValue(id, out var c) ? c : new CatalogItem { ItemId = id }).ToList();
        return new SequenceDataset { Name = "ml-100k", Sequences = sequences, UserIds = userIds, ItemIds = itemIds, Catalog = catalog };
    }
}
