using System.Globalization;
using Persona.Core.Events;

namespace Persona.Datasets;

/// <summary>
/// DIGINETICA (CIKM Cup 2016) <c>train-item-views.csv</c>: <c>session_id;user_id;item_id;timeframe;eventdate</c>
/// with a header. <c>user_id</c> is <c>NA</c> for anonymous sessions, which become users <c>s&lt;session&gt;</c>;
/// the event time is the date (UTC midnight) plus <c>timeframe</c> milliseconds. Every row is a view.
/// </summary>
public static class DigineticaLoader
{
    /// <summary>Streams the events, line by line (memory independent of file size).</summary>
    public static IEnumerable<BehaviorEvent> Read(string path)
    {
        var file = Directory.Exists(path) ? Directory.EnumerateFiles(path, "*train-item-views.csv").First() : path;
        var n = 0;
        foreach (var line in File.ReadLines(file))
        {
            n++;
            if (line.Length == 0 || (n == 1 && line.StartsWith("session_id", StringComparison.Ordinal)))
            {
                continue;
            }

            var f = line.Split(';');
            if (f.Length != 5 || !long.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var frame)
                || !DateTime.TryParseExact(f[4], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
            {
                throw new LoaderException($"{Path.GetFileName(file)}:{n}: expected 'session_id;user_id;item_id;timeframe;yyyy-MM-dd'");
            }

            var user = f[1] == "NA" ? "s" + f[0] : f[1];
            var ms = new DateTimeOffset(date, TimeSpan.Zero).ToUnixTimeMilliseconds() + frame;
            yield return EventDataset.Event($"dgn:{n}", EventType.View, user, f[0], f[2], ms);
        }
    }

    public static EventDataset Load(string path) => new() { Name = "diginetica", Events = [.. Read(path)] };
}
