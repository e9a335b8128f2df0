using System.Globalization;
using System.Text.Json;
using Persona.Core.Events;

namespace Persona.Datasets;

/// <summary>
/// OTTO sessions, JSON lines: <c>{"session": n, "events": [{"aid", "ts" (ms), "type": clicks|carts|orders}]}</c>.
/// Sessions are anonymous: each becomes a user <c>s&lt;session&gt;</c>; clicks → click, carts → cart_add,
/// orders → purchase.
/// </summary>
public static class OttoLoader
{
    /// <summary>Streams the events, line by line (memory independent of file size).</summary>
    public static IEnumerable<BehaviorEvent> Read(string path)
    {
        var file = Directory.Exists(path) ? Directory.EnumerateFiles(path, "*.jsonl").First() : path;
        var n = 0;
        foreach (var line in File.ReadLines(file))
        {
            n++;
            if (line.Length == 0)
            {
                continue;
            }

            var parsed = new List<BehaviorEvent>();
            try
            {
                using var doc = JsonDocument.Parse(line);
                var session = doc.RootElement.GetProperty("session").GetInt64().ToString(CultureInfo.InvariantCulture);
                var k = 0;
                foreach (var e in doc.RootElement.GetProperty("events").EnumerateArray())
                {
                    var type = e.GetProperty("type").GetString() switch
                    {
                        "clicks" => EventType.Click,
                        "carts" => EventType.CartAdd,
                        "orders" => EventType.Purchase,
                        var other => throw new LoaderException($"{Path.GetFileName(file)}:{n}: unknown event type '{other}'"),
                    };
                    var aid = e.GetProperty("aid").GetInt64().ToString(CultureInfo.InvariantCulture);
                    parsed.Add(EventDataset.Event($"otto:{session}:{k++}", type, "s" + session, session, aid, e.GetProperty("ts").GetInt64()));
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new LoaderException($"{Path.GetFileName(file)}:{n}: {ex.Message}", ex);
            }

            foreach (var e in parsed)
            {
                yield return e; // one session (one line) at a time
            }
        }
    }

    public static EventDataset Load(string path) => new() { Name = "otto", Events = [.. Read(path)] };
}
