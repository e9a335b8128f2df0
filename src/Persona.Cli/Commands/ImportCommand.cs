using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Persona.Core.Engine;
using Persona.Datasets;
using Persona.Models.Registry;
using Persona.Models.Sentiment;
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
            var (path, options, dataset) = (r.GetValue(input)!, store.Build(r), r.GetValue(format) is "canonical" ? null : r.GetValue(format));
            if (!File.Exists(path) && (dataset is null || !Directory.Exists(path)))
            {
                Console.Error.WriteLine($"input: {path} does not exist");
                return 2;
            }

            using var opened = EmbeddedProfileStore.Open(options, engine);
            var (sentimentOf, scorer) = ReviewScorer(options.DataDirectory);
            var importer = new StoreImporter(opened, r.GetValue(batch), sentimentOf);
            Console.WriteLine($"review text is scored by {scorer}, as the service scores it");
            var watch = Stopwatch.StartNew();
            var summary = dataset is null ? Canonical(importer, path, r.GetValue(items)) : importer.ImportDataset(dataset, path);
            opened.Checkpoint();
            Print(summary, dataset is not null, path, watch.Elapsed);
            return 0;
        });
        return command;
    }

    /// <summary>What scores review text: the sentiment model active in the data directory's registry, as the service serves it, or else the lexicon.</summary>
    private static (Func<string, double> Score, string Name) ReviewScorer(string dataDirectory)
    {
        try
        {
            if (new ModelRegistry(Path.Combine(dataDirectory, "models")).ActiveFolder(SentimentModelArtifact.Kind) is { } folder)
            {
                var served = SentimentModelArtifact.Load(folder);
                return (text => served.Model.Score(text).Positive, served.Metadata.Version);
            }
        }
        catch (InvalidDataException ex)
        {
            Console.Error.WriteLine($"the registry's sentiment model is refused ({ex.Message}); the lexicon scores review text");
        }

        return (SentimentLexicon.Positive, "the lexicon");
    }

    /// <summary>A canonical file, with a progress bar on an interactive console.</summary>
    private static ImportSummary Canonical(StoreImporter importer, string path, bool items)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            return importer.ImportCanonical(path, items, TimeProvider.System);
        }

        ImportSummary? summary = null;
        AnsiConsole.Progress().Start(ctx =>
        {
            var task = ctx.AddTask($"importing {Path.GetFileName(path)}", maxValue: 100);
            summary = importer.ImportCanonical(path, items, TimeProvider.System, share => task.Value(share * 100));
            task.Value(100);
        });
        return summary!;
    }

    /// <summary>The counts as a table; a dataset's catalog size and first rejection, or a file's rate and rejected lines (rows).</summary>
    private static void Print(ImportSummary summary, bool dataset, string path, TimeSpan elapsed)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("records").AddColumn(new TableColumn("count").RightAligned());
        if (dataset)
        {
            table.AddRow("catalog items", Count(summary.CatalogItems));
        }

        table.AddRow("accepted", Count(summary.Accepted));
        table.AddRow("duplicate", Count(summary.Duplicate));
        table.AddRow("rejected", Count(summary.Rejected));
        table.AddRow("seconds", elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
        if (!dataset)
        {
            table.AddRow("records/s", (summary.Accepted / Math.Max(0.001, elapsed.TotalSeconds)).ToString("N0", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        var unit = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? "row" : "line";
        foreach (var (position, message) in summary.Rejections)
        {
            Console.WriteLine(dataset ? $"first rejection: {message}" : $"rejected {unit} {position}: {message}");
        }
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
