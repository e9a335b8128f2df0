using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Synthetic;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona generate</c>: writes a seeded synthetic shop as canonical NDJSON (events.ndjson, catalog.ndjson)
/// with its planted ground truth beside it (truth.ndjson: each user's interests before and after the change
/// point, the change point, the churn date, preferred brands and price level). Streams: memory does not
/// grow with the number of events.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var users = new Option<int>("--users") { Description = "Users", DefaultValueFactory = _ => 10_000 };
        var events = new Option<long>("--events") { Description = "Events", DefaultValueFactory = _ => 1_000_000 };
        var items = new Option<int>("--items") { Description = "Catalog items", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var start = new Option<DateTimeOffset>("--start") { Description = "Event time of the stream's start (ISO 8601)", DefaultValueFactory = _ => new ShopOptions().Start };
        var idPrefix = new Option<string>("--id-prefix") { Description = "Prepended to event and session ids (streams of several runs in one store)", DefaultValueFactory = _ => string.Empty };
        var command = new Command("generate", "Write a synthetic shop's events, catalog and planted ground truth as NDJSON") { users, events, items, seed, output, start, idPrefix };
        command.SetAction(r =>
        {
            var dir = Directory.CreateDirectory(r.GetValue(output)!).FullName;
            var shop = new SyntheticShop(new ShopOptions { Users = r.GetValue(users), Events = r.GetValue(events), Items = r.GetValue(items), Seed = r.GetValue(seed), Start = r.GetValue(start), IdPrefix = r.GetValue(idPrefix)! });
            var watch = Stopwatch.StartNew();
            var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            using (var catalog = new StreamWriter(Path.Combine(dir, "catalog.ndjson")))
            {
                foreach (var item in shop.Catalog)
                {
                    catalog.WriteLine(JsonSerializer.Serialize(item, options));
                }
            }

            long count = 0;
            var types = new EventTypes();
            using (var stream = File.Create(Path.Combine(dir, "events.ndjson")))
            using (var writer = new Utf8JsonWriter(stream))
            {
                foreach (var e in shop.Events())
                {
                    CanonicalJson.Write(writer, e, types);
                    writer.Flush();
                    stream.WriteByte((byte)'\n');
                    writer.Reset();
                    count++;
                }
            }

            using (var truth = new StreamWriter(Path.Combine(dir, "truth.ndjson")))
            {
                for (var u = 0; u < shop.Options.Users; u++)
                {
                    var t = shop.User(u);
                    truth.WriteLine(JsonSerializer.Serialize(new
                    {
                        userId = t.UserId,
                        interests = t.Interests.Select(i => new { category = shop.LeafCategories[i.Leaf], weight = Math.Round(i.Weight, 6) }),
                        changePoint = t.ChangePointMs is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : (DateTimeOffset?)null,
                        interestsAfterChange = t.ChangePointMs is null ? null : t.InterestsAfterChange.Select(i => new { category = shop.LeafCategories[i.Leaf], weight = Math.Round(i.Weight, 6) }),
                        churn = t.ChurnMs is { } ch ? DateTimeOffset.FromUnixTimeMilliseconds(ch) : (DateTimeOffset?)null,
                        brands = t.Brands.Select(b => $"Brand{b:D3}"),
                        priceLevel = Math.Round(t.PriceLevel, 4),
                    }, options));
                }
            }

            Console.WriteLine($"wrote {count:N0} events, {shop.Catalog.Count:N0} items and {shop.Options.Users:N0} users' ground truth to {dir} in {watch.Elapsed.TotalSeconds:F1} s");
            return 0;
        });
        return command;
    }
}
