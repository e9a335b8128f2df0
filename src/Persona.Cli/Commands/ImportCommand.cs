using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Persona.Core.Engine;
using Persona.Datasets;
using Persona.Storage.RocksDb;
using Spectre.Console;

namespace Persona.Cli.Commands;

/// <summary><c>persona import</c>: canonical NDJSON, CSV or Parquet events, or a public dataset, into the embedded store, in batches (<see cref="StoreImporter"/>).</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "File to import (.ndjson/.jsonl/.json, .csv or .parquet)", Required = true };
        var format = new Option<string>("--format") { Description = "Input format", DefaultValueFactory = _ => "canonical" };
        format.AcceptOnlyFromAmong(["canonical", .. DatasetLoader.Formats]);
        var store = new StoreOptionSet();
        var items = new Option<bool>("--items") { Description = "The file holds catalog items, not events" };
        var batch = new Option<int>("--batch") { Description = "Records per batch", DefaultValueFactory = _ => 10_000 };
        var command = new Command("import", "Import a file of canonical events or catalog items (history out of time order: --dedupe-horizon-days 0 --retention-days 0)") { input, format, items, batch };
        store.AddTo(command);
        command.SetAction(r =>
        {
            var engine = new ProfileEngine(store.Engine(r));
            return r.GetValue(format) == "canonical"
                ? Run(r.GetValue(input)!, store.Build(r), engine, r.GetValue(items), r.GetValue(batch))
                : RunDataset(r.GetValue(format)!, r.GetValue(input)!, store.Build(r), engine, r.GetValue(batch));
        });
        return command;
    }

    /// <summary>A public dataset through its loader (streamed into the store in batches).</summary>
    private static int RunDataset(string format, string path, EmbeddedStoreOptions options, ProfileEngine engine, int batchSize)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Console.Error.WriteLine($"input: {path} does not exist");
            return 2;
        }

        using var store = EmbeddedProfileStore.Open(options, engine);
        var watch = Stopwatch.StartNew();
        var summary = new StoreImporter(store, batchSize).ImportDataset(format, path);
        store.Checkpoint();
        var table = Counts(summary, withCatalog: true);
        table.AddRow("seconds", watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        if (summary.Rejections.Count > 0)
        {
            Console.WriteLine($"first rejection: {summary.Rejections[0].Message}");
        }

        return 0;
    }

    private static int Run(string path, EmbeddedStoreOptions options, ProfileEngine engine, bool items, int batchSize)
    {
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"input: {path} does not exist");
            return 2;
        }

        using var store = EmbeddedProfileStore.Open(options, engine);
        var importer = new StoreImporter(store, batchSize);
        var watch = Stopwatch.StartNew();
        ImportSummary? summary = null;
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask($"importing {Path.GetFileName(path)}", maxValue: 100);
                summary = importer.ImportCanonical(path, items, TimeProvider.System, share => task.Value(share * 100));
                task.Value(100);
                store.Checkpoint();
            });
        }
        else
        {
            summary = importer.ImportCanonical(path, items, TimeProvider.System);
            store.Checkpoint();
        }

        var table = Counts(summary!, withCatalog: false);
        table.AddRow("seconds", watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
        table.AddRow("records/s", (summary!.Accepted / Math.Max(0.001, watch.Elapsed.TotalSeconds)).ToString("N0", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        var unit = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? "row" : "line";
        foreach (var (position, message) in summary.Rejections)
        {
            Console.WriteLine($"rejected {unit} {position}: {message}");
        }

        return 0;
    }

    private static Table Counts(ImportSummary summary, bool withCatalog)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("records").AddColumn(new TableColumn("count").RightAligned());
        if (withCatalog)
        {
            table.AddRow("catalog items", Count(summary.CatalogItems));
        }

        table.AddRow("accepted", Count(summary.Accepted));
        table.AddRow("duplicate", Count(summary.Duplicate));
        table.AddRow("rejected", Count(summary.Rejected));
        return table;
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
