using System.Globalization;
using System.Text;
using Persona.Core.Catalog;

namespace Persona.Datasets;

/// <summary>
/// The MovieLens 100K layout: <c>u.data</c> (user, item, rating 1–5, Unix seconds; tab-separated) becomes
/// interactions in time order per user that keep their ratings (as events: rate events with that rating); <c>u.item</c> (pipe-separated, ISO-8859-1, 19 genre flags named in
/// <c>u.genre</c>) becomes catalog items with category <c>["Movies", first genre]</c> and every genre as a
/// tag; <c>u.user</c> (age, gender, occupation, zip) is user data, read for counts. A malformed line is
/// reported with its file and number. The ml-latest(-small) CSV layout is read too: <c>ratings.csv</c>
/// (<c>userId,movieId,rating,timestamp</c>, half stars), <c>movies.csv</c> (<c>movieId,title,genres</c>
/// with <c>|</c>-separated genres, titles quoted when they hold commas) and <c>tags.csv</c>
/// (<c>userId,movieId,tag,timestamp</c>: tags become item tags).
/// </summary>
public static class MovieLensLoader
{
    public static SequenceDataset Load(string path)
    {
        var dir = Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!;
        var data = Path.Combine(dir, "u.data");
        if (!File.Exists(data))
        {
            return File.Exists(Path.Combine(dir, "ratings.csv"))
                ? LoadLatest(dir)
                : throw new LoaderException($"dataset: neither u.data (ML-100K) nor ratings.csv (ml-latest) in {dir}");
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

        var byUser = new Dictionary<string, List<(string Item, long Time, float Rating)>>(StringComparer.Ordinal);
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

            list.Add((f[1], seconds * 1000, rating));
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

                return new Interaction(u, i, x.Time, x.Rating);
            }).ToArray();
            sequences.Add(seq);
        }

        var catalog = itemIds.Select(id => catalogById.TryGetValue(id, out var c) ? c : new CatalogItem { ItemId = id }).ToList();
        return new SequenceDataset { Name = "ml-100k", Sequences = sequences, UserIds = userIds, ItemIds = itemIds, Catalog = catalog };
    }

    private static SequenceDataset LoadLatest(string dir)
    {
        var tags = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var tagFile = Path.Combine(dir, "tags.csv");
        if (File.Exists(tagFile))
        {
            foreach (var (f, _) in Csv(tagFile, 4))
            {
                if (!tags.TryGetValue(f[1], out var set))
                {
                    set = new HashSet<string>(StringComparer.Ordinal);
                    tags[f[1]] = set;
                }

                set.Add(f[2].Trim().ToLowerInvariant());
            }
        }

        var catalog = new Dictionary<string, CatalogItem>(StringComparer.Ordinal);
        var moviesFile = Path.Combine(dir, "movies.csv");
        if (File.Exists(moviesFile))
        {
            foreach (var (f, _) in Csv(moviesFile, 3))
            {
                var genres = f[2] == "(no genres listed)" ? [] : f[2].Split('|').ToList();
                catalog[f[0]] = new CatalogItem
                {
                    ItemId = f[0],
                    Title = f[1],
                    CategoryPath = genres.Count > 0 ? ["Movies", genres[0]] : ["Movies"],
                    Tags = [.. genres, .. tags.GetValueOrDefault(f[0]) ?? []],
                };
            }
        }

        var byUser = new Dictionary<string, List<(string Item, long Time, float Rating)>>(StringComparer.Ordinal);
        foreach (var (f, line) in Csv(Path.Combine(dir, "ratings.csv"), 4))
        {
            if (!double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var rating) || rating is < 0.5 or > 5
                || !long.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                throw new LoaderException($"ratings.csv:{line}: expected 'userId,movieId,rating 0.5-5,unix seconds'");
            }

            if (!byUser.TryGetValue(f[0], out var list))
            {
                list = [];
                byUser[f[0]] = list;
            }

            list.Add((f[1], seconds * 1000, (float)rating));
        }

        var userIds = byUser.Keys.OrderBy(u => long.Parse(u, CultureInfo.InvariantCulture)).ToList();
        var itemIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemIds = new List<string>();
        var sequences = userIds.Select((user, u) => byUser[user].OrderBy(x => x.Time).ThenBy(x => x.Item, StringComparer.Ordinal).Select(x =>
        {
            if (!itemIndex.TryGetValue(x.Item, out var i))
            {
                i = itemIds.Count;
                itemIndex[x.Item] = i;
                itemIds.Add(x.Item);
            }

            return new Interaction(u, i, x.Time, x.Rating);
        }).ToArray()).ToList();
        return new SequenceDataset
        {
            Name = Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar)),
            Sequences = sequences,
            UserIds = userIds,
            ItemIds = itemIds,
            Catalog = [.. itemIds.Select(id => catalog.TryGetValue(id, out var c) ? c : new CatalogItem { ItemId = id })],
        };
    }

    /// <summary>Rows of a headed CSV file with at least <paramref name="fields"/> fields (quotes allowed), with line numbers.</summary>
    private static IEnumerable<(string[] Fields, int Line)> Csv(string path, int fields)
    {
        var n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (n == 1 || line.Length == 0)
            {
                continue;
            }

            var f = Persona.Core.Ingest.CsvLine.Split(line);
            if (f.Count < fields)
            {
                throw new LoaderException($"{Path.GetFileName(path)}:{n}: expected {fields} comma-separated fields, found {f.Count}");
            }

            yield return ([.. f], n);
        }
    }
}
