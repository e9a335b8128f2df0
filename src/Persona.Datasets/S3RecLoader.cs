using System.Globalization;
using System.Text.Json;
using Persona.Core.Catalog;

namespace Persona.Datasets;

/// <summary>
/// The S3-Rec layout: <c>&lt;name&gt;.txt</c> with one user per line (<c>user item1 item2 …</c>, items in
/// time order) and <c>&lt;name&gt;_item2attributes.json</c> (<c>{item: [attribute, …]}</c>). There are
/// no timestamps: the k-th interaction of every user gets the time <c>2020-01-01 + k days</c>, so order
/// is kept and users line up in time. Attributes become item tags <c>a&lt;id&gt;</c>. The file is read
/// line by line; a malformed line is reported with its number.
/// </summary>
public static class S3RecLoader
{
    public static readonly DateTimeOffset Epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Loads from the dataset folder (the first <c>*.txt</c> with an attributes file beside it) or the <c>.txt</c> file.</summary>
    public static SequenceDataset Load(string path)
    {
        var file = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.txt").Order(StringComparer.Ordinal).FirstOrDefault(f => !f.EndsWith("_sample.txt", StringComparison.Ordinal))
                ?? throw new LoaderException($"dataset: no <name>.txt in {path}")
            : path;
        var name = Path.GetFileNameWithoutExtension(file);
        var attributesFile = Path.Combine(Path.GetDirectoryName(file)!, name + "_item2attributes.json");
        var items = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemIds = new List<string>();
        var users = new List<string>();
        var sequences = new List<Interaction[]>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !parts.All(p => p.All(char.IsAsciiDigit)))
            {
                throw new LoaderException($"{Path.GetFileName(file)}:{lineNumber}: expected 'user item1 item2 …' of integer ids");
            }

            var user = users.Count;
            users.Add(parts[0]);
            var seq = new Interaction[parts.Length - 1];
            for (var k = 1; k < parts.Length; k++)
            {
                if (!items.TryGetValue(parts[k], out var item))
                {
                    item = itemIds.Count;
                    items[parts[k]] = item;
                    itemIds.Add(parts[k]);
                }

                seq[k - 1] = new Interaction(user, item, Epoch.AddDays(k - 1).ToUnixTimeMilliseconds());
            }

            sequences.Add(seq);
        }

        var attributes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (File.Exists(attributesFile))
        {
            using var stream = File.OpenRead(attributesFile);
            using var doc = JsonDocument.Parse(stream);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                attributes[p.Name] = [.. p.Value.EnumerateArray().Select(a => "a" + a.GetInt64().ToString(CultureInfo.InvariantCulture))];
            }
        }

        var catalog = itemIds.Select(id => new CatalogItem { ItemId = id, Tags = attributes.TryGetValue(id, out var tags) ? tags : [] }).ToList();
        return new SequenceDataset { Name = name, Sequences = sequences, UserIds = users, ItemIds = itemIds, Catalog = catalog };
    }
}
