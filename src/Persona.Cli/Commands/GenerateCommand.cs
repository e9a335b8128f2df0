using System.CommandLine;
using System.Diagnostics;
using Persona.Synthetic;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona generate</c>: writes a seeded synthetic shop as canonical NDJSON with its planted ground truth
/// (<see cref="ShopExport"/>).
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
            var count = ShopExport.Write(shop, dir);
            Console.WriteLine($"wrote {count:N0} events, {shop.Catalog.Count:N0} items and {shop.Options.Users:N0} users' ground truth to {dir} in {watch.Elapsed.TotalSeconds:F1} s");
            return 0;
        });
        return command;
    }
}
