using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Serving;
using Persona.Serving.Hosting;
using Persona.Serving.ModelHosting;
using Persona.Serving.Profiles;
using Persona.Storage.RocksDb;
using Persona.Storage.RocksDb.Hosting;
using Persona.Synthetic;
using Spectre.Console;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona demo</c>: a seeded synthetic shop streamed through the embedded durable pipeline, with a few
/// users' profiles shown as they change, and throughput and freshness.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var users = new Option<int>("--users") { Description = "Users in the synthetic shop", DefaultValueFactory = _ => 2_000 };
        var events = new Option<long>("--events") { Description = "Events to stream", DefaultValueFactory = _ => 200_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 7 };
        var dataDir = new Option<string?>("--data-dir") { Description = "Keep the store here (default: a temporary directory, deleted after)" };
        var models = new Option<string>("--models") { Description = "Model registry whose active models add predictions to the profiles (persona models add DIR --promote puts them in ./persona-data/models)", DefaultValueFactory = _ => Path.Combine("persona-data", "models") };
        var command = new Command("demo", "Build live profiles from a synthetic shop, no setup needed") { users, events, seed, dataDir, models };
        command.SetAction((r, ct) => Run(r.GetValue(users), r.GetValue(events), r.GetValue(seed), r.GetValue(dataDir), r.GetValue(models)!));
        return command;
    }

    private static async Task<int> Run(int userCount, long eventCount, int seed, string? dataDir, string modelsDir)
    {
        var shop = new SyntheticShop(new ShopOptions { Seed = seed, Users = userCount, Events = eventCount, Items = 5_000, MeanSessionGap = TimeSpan.FromDays(1) });
        var dir = dataDir ?? Path.Combine(Path.GetTempPath(), "persona-demo-" + Guid.NewGuid().ToString("N"));
        var followed = Enumerable.Range(0, Math.Min(userCount, 200)).Select(shop.User).Where(u => u.ChangePointMs is not null).Take(3).ToList();
        AnsiConsole.MarkupLine($"[bold]Persona demo[/]: {userCount:N0} users, {shop.Catalog.Count:N0} items in {shop.LeafCategories.Count} leaf categories, {eventCount:N0} events (seed {seed})");
        AnsiConsole.MarkupLine($"store: [grey]{Markup.Escape(dir)}[/] (RocksDB, fsync per batch)");
        try
        {
            await using var serving = Open(dir, modelsDir);
            ReportModels(serving.Get<ModelHost>(), modelsDir);
            AnsiConsole.MarkupLine("following users whose interests change at a planted point:");
            foreach (var u in followed)
            {
                AnsiConsole.MarkupLine($"  [bold]{u.UserId}[/]: {Describe(shop, u.Interests)} → from {DateTimeOffset.FromUnixTimeMilliseconds(u.ChangePointMs!.Value):yyyy-MM-dd}: {Describe(shop, u.InterestsAfterChange)}");
            }

            var store = serving.Store;
            store.UpsertItems(new ParsedBatch<CatalogItem>([.. shop.Catalog.Select((c, i) => (i, c))], [], []));
            var (total, elapsed) = Stream(shop, store, serving.Profiles, followed, eventCount);
            if (followed.FirstOrDefault() is { } last)
            {
                ShowUser(serving, shop, last.UserId);
            }

            AnsiConsole.MarkupLine($"[green]done[/]: {total:N0} events in {elapsed.TotalSeconds:F1} s = {total / elapsed.TotalSeconds:N0} events/s through the durable pipeline.");
            AnsiConsole.MarkupLine("Next: [bold]persona serve --data-dir DIR[/], then open http://localhost:5080/ui/ (the console), or GET /v1/users/{id}/profile and /v1/users/{id}/recommendations (see README).");
        }
        finally
        {
            if (dataDir is null && Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        return 0;
    }

    /// <summary>The store and the serving stack, with reads evaluated as of the newest event streamed so far (the shop's clock), as the service would read them then.</summary>
    private static ServingHost Open(string dir, string modelsDir) => ServingHost.Open(
        new ServingOptions { DataDirectory = dir, ModelsDirectory = modelsDir, LogImpressions = false },
        new EngineConfig(),
        services => services.AddRocksDbProfileStore(new EmbeddedStoreOptions { DataDirectory = dir }, TimeProvider.System),
        sp => new FixedClock(() => DateTimeOffset.FromUnixTimeMilliseconds(sp.GetRequiredService<IProfileStore>().Stats.NewestEventTimeMs)));

    /// <summary>The followed user's served profile, what a read with the models costs, and their recommendations.</summary>
    private static void ShowUser(ServingHost serving, SyntheticShop shop, string userId)
    {
        if (serving.Profiles.Read(userId)?.View is { } view)
        {
            ProfileCommand.Render(view);
        }

        if (!serving.Get<ModelHost>().Current.IsEmpty)
        {
            ReportReadCost(serving.Profiles, shop);
        }

        RenderRecommendations(serving, userId);
    }

    private static void ReportModels(ModelHost models, string modelsDir)
    {
        var set = models.Current;
        AnsiConsole.MarkupLine(set.IsEmpty
            ? $"models: none active in [grey]{Markup.Escape(modelsDir)}[/]; profiles are the engine's heuristics (persona train, then persona models add DIR --promote)"
            : $"models: {Markup.Escape(string.Join(", ", set.Versions.Select(v => v.Value)))}");
        foreach (var (kind, reason) in models.Errors)
        {
            AnsiConsole.MarkupLine($"[red]model {Markup.Escape(kind)} refused[/]: {Markup.Escape(reason)}");
        }
    }

    /// <summary>Streams the shop's events in batches of 2,000, showing the followed users' profiles five times on the way.</summary>
    private static (long Total, TimeSpan Elapsed) Stream(SyntheticShop shop, IProfileStore store, ProfileViews views, List<SyntheticUser> followed, long eventCount)
    {
        var batch = new List<(int, BehaviorEvent)>(2_000);
        var visible = new List<double>();
        long total = 0;
        var watch = Stopwatch.StartNew();
        var nextReport = eventCount / 5;
        foreach (var e in shop.Events())
        {
            batch.Add((batch.Count, e));
            if (batch.Count < 2_000)
            {
                continue;
            }

            total += Flush(store, batch, visible);
            if (total >= nextReport)
            {
                nextReport += eventCount / 5;
                Report(views, followed, store.Stats.NewestEventTimeMs, total, watch.Elapsed, visible);
            }
        }

        total += Flush(store, batch, visible);
        Report(views, followed, store.Stats.NewestEventTimeMs, total, watch.Elapsed, visible);
        return (total, watch.Elapsed);
    }

    /// <summary>The followed user's recommendations from the serving stack (index and feedback rebuilt from the store's log, as the service does at start).</summary>
    private static void RenderRecommendations(ServingHost serving, string userId)
    {
        var answer = serving.Recommendations.Recommend(userId, 5, new Dictionary<string, string>(), new HashSet<string>());
        var catalog = serving.Store.Catalog;
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]recommendations for {Markup.Escape(userId)}[/] ({Markup.Escape(answer.Model)})");
        table.AddColumn("item").AddColumn("category").AddColumn("score").AddColumn("why");
        foreach (var item in answer.Items)
        {
            var category = catalog.Record(item.ItemId)?.CategoryPath is { Count: > 0 } path ? string.Join('/', path) : "";
            table.AddRow(Markup.Escape(item.ItemId), Markup.Escape(category), item.Score.ToString("0.000", CultureInfo.InvariantCulture), Markup.Escape(string.Join("; ", item.Reasons)));
        }

        AnsiConsole.Write(table);
    }

    /// <summary>What a served profile read costs with the models (features, predictions, view), over the first 1,000 users, each read once.</summary>
    private static void ReportReadCost(ProfileViews views, SyntheticShop shop)
    {
        var times = new List<double>();
        for (var i = 0; i < 1_000; i++)
        {
            var start = Stopwatch.GetTimestamp();
            if (views.Read(shop.User(i).UserId) is not null)
            {
                times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }

        times.Sort();
        if (times.Count > 0)
        {
            AnsiConsole.MarkupLine($"profile reads with predictions ({times.Count:N0} users): p50 {times[times.Count / 2]:F0} µs, p99 {times[(int)(times.Count * 0.99)]:F0} µs");
        }
    }

    private static int Flush(IProfileStore store, List<(int, BehaviorEvent)> batch, List<double> visible)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        var start = Stopwatch.GetTimestamp();
        var accepted = store.Ingest(new ParsedBatch<BehaviorEvent>([.. batch], [], [])).Accepted;
        visible.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        batch.Clear();
        return accepted;
    }

    private static void Report(ProfileViews views, List<SyntheticUser> followed, long nowMs, long total, TimeSpan elapsed, List<double> visible)
    {
        var sorted = visible.Order().ToArray();
        var p99 = sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, 0.99 * sorted.Length)];
        var table = new Table().Border(TableBorder.Simple)
            .Title($"event time {DateTimeOffset.FromUnixTimeMilliseconds(nowMs):yyyy-MM-dd HH:mm} · {total:N0} events · {total / elapsed.TotalSeconds:N0} events/s · batch of 2,000 visible in p99 {p99:F1} ms")
            .AddColumn("user").AddColumn("lifecycle").AddColumn("top categories (profile)").AddColumn("events").AddColumn("orders");
        foreach (var u in followed)
        {
            if (views.Read(u.UserId, k: 3)?.View is not { } view)
            {
                table.AddRow(u.UserId, "-", "(no events yet)", "0", "0");
                continue;
            }

            var top = string.Join(", ", view.Interests.Categories.Where(c => c.Feature.Count(ch => ch == '/') == 2).Take(2).Select(c => $"{c.Feature.Split('/')[^1]} {c.Score:P0}"));
            table.AddRow(u.UserId, view.Lifecycle, Markup.Escape(top), view.EventCount.ToString(CultureInfo.InvariantCulture), view.Rfm.Frequency.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
    }

    private static string Describe(SyntheticShop shop, IReadOnlyList<(int Leaf, double Weight)> mixture) =>
        Markup.Escape(string.Join(", ", mixture.Select(m => $"{shop.LeafCategories[m.Leaf].Split('/')[^1]} {m.Weight:P0}")));
}
