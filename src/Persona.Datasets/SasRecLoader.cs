using Persona.Core.Events;

namespace Persona.Datasets;

/// <summary>
/// The SASRec repository's layout: <c>user item</c> per line, each user's lines in time order. No
/// timestamps: the k-th interaction of a user gets <c>2020-01-01 + k days</c>, as for S3-Rec.
/// </summary>
public static class SasRecLoader
{
    /// <summary>Streams the events, line by line (memory independent of file size).</summary>
    public static IEnumerable<BehaviorEvent> Read(string path)
    {
        var file = Directory.Exists(path) ? Directory.EnumerateFiles(path, "*.txt").Order(StringComparer.Ordinal).First() : path;
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        var n = 0;
        foreach (var line in File.ReadLines(file))
        {
            n++;
            if (line.Length == 0)
            {
                continue;
            }

            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 2)
            {
                throw new LoaderException($"{Path.GetFileName(file)}:{n}: expected 'user item'");
            }

            var k = position.GetValueOrDefault(f[0]);
            position[f[0]] = k + 1;
            yield return EventDataset.Event($"sasrec:{n}", EventType.Purchase, f[0], null, f[1], S3RecLoader.Epoch.AddDays(k).ToUnixTimeMilliseconds());
        }
    }

    public static EventDataset Load(string path) => new() { Name = Path.GetFileNameWithoutExtension(Directory.Exists(path) ? Directory.EnumerateFiles(path, "*.txt").Order(StringComparer.Ordinal).First() : path), Events = [.. Read(path)] };
}
