using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Ingest;
using Persona.Evaluation.Loaders;
using Persona.Storage.RocksDb;
using Spectre.Console;

namespace Persona.Cli.Commands;

/// <summary><c>persona import</c>: canonical NDJSON, CSV or Parquet events into the embedded store, in batches.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "File to import (.ndjson/.jsonl/.json, .csv or .parquet)", Required = true };
        var format = new Option<string>("--format") { Description = "Input format", DefaultValueFactory = _ => "canonical" };
        format.AcceptOnlyFromAmong(["canonical", .. Persona.Evaluation.Loaders.Datasets.Formats]);
        var store = new StoreOptionSet();
        var items = new Option<bool>("--items") { Description = "The file holds catalog items, not events" };
        var batch = new Option<int>("--batch") { Description = "Records per batch", DefaultValueFactory = _ => 10_000 };
        var command = new Command("import", "Import a file of canonical events or catalog items (history out of time order: --dedupe-horizon-days 0 --retention-days 0)") { input, format, items, batch };
        store.AddTo(command);
        command.SetAction(r =>
        {
            var engine = new ProfileEngine(store.Engine(r));
            return r.GetValue(format) == "canonical"
                ? Run(r.GetValue(input)!, store.Build(r), engine, r.GetValue(items), Math.Max(1, r.GetValue(batch)))
                : RunDataset(r.GetValue(format)!, r.GetValue(input)!, store.Build(r), engine, Math.Max(1, r.GetValue(batch)));
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
        var (events, catalog) = Persona.Evaluation.Loaders.Datasets.Stream(format, path);
        if (catalog.Count > 0)
        {
            store.UpsertItems(new ParsedBatch<Persona.Core.Catalog.CatalogItem>([.. catalog.Select((c, i) => (i, c))], [], []));
        }

        long accepted = 0, duplicate = 0, rejected = 0;
        string? firstError = null;
        foreach (var chunk in events.Chunk(batchSize))
        {
            var result = store.Ingest(new ParsedBatch<Persona.Core.Events.BehaviorEvent>([.. chunk.Select((e, i) => (i, e))], [], []));
            accepted += result.Accepted;
            duplicate += result.Duplicate;
            rejected += result.Rejected;
            firstError ??= result.Errors.Count > 0 && result.Errors[0].Errors.Count > 0 ? result.Errors[0].Errors[0] : null;
        }

        store.Checkpoint();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("records").AddColumn(new TableColumn("count").RightAligned());
        table.AddRow("catalog items", catalog.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("accepted", accepted.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("duplicate", duplicate.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("rejected", rejected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("seconds", watch.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        if (firstError is not null)
        {
            Console.WriteLine($"first rejection: {firstError}");
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

        var parser = new EventParser(engine.Types, TimeProvider.System);
        using var store = EmbeddedProfileStore.Open(options, engine);
        long accepted = 0, duplicate = 0, rejected = 0;
        var errors = new List<(long Position, string Message)>();
        var watch = Stopwatch.StartNew();
        var unit = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? "row" : "line";

        // Reading and parsing run one batch ahead of the store on another thread, so that parsing overlaps
        // with the durable writes and profile updates.
        void Import(ProgressTask? task)
        {
            using var parsed = new System.Collections.Concurrent.BlockingCollection<ParsedChunk>(boundedCapacity: 2);
            var parseErrors = new List<(long Position, string Message)>();
            long parseRejected = 0;
            var producer = Task.Run(() =>
            {
                try
                {
                    var pending = new List<JsonElement>(batchSize);
                    var documents = new List<JsonDocument>(batchSize);
                    var rows = new List<long>(batchSize);
                    void Flush()
                    {
                        if (pending.Count > 0)
                        {
                            parsed.Add(items ? new ParsedChunk(null, ItemParser.Parse(pending), [.. rows]) : new ParsedChunk(parser.Parse(pending), null, [.. rows]));
                        }

                        // The documents live until their batch is parsed (no copy per record), then go back to the pool.
                        foreach (var doc in documents)
                        {
                            doc.Dispose();
                        }

                        documents.Clear();
                        pending.Clear();
                        rows.Clear();
                    }

                    foreach (var record in CanonicalLoader.ReadRecords(path, share => task?.Value(share * 100)))
                    {
                        try
                        {
                            if (record.Error is not null)
                            {
                                throw new JsonException(record.Error);
                            }

                            var doc = JsonDocument.Parse(record.Json);
                            documents.Add(doc);
                            pending.Add(doc.RootElement);
                            rows.Add(record.Position);
                        }
                        catch (JsonException ex)
                        {
                            parseRejected++;
                            if (parseErrors.Count < 10)
                            {
                                parseErrors.Add((record.Position, $"invalid record: {ex.Message}"));
                            }
                        }

                        if (pending.Count >= batchSize)
                        {
                            Flush();
                        }
                    }

                    Flush();
                }
                finally
                {
                    parsed.CompleteAdding();
                }
            });

            foreach (var chunk in parsed.GetConsumingEnumerable())
            {
                var result = chunk.Events is not null ? store.Ingest(chunk.Events) : store.UpsertItems(chunk.Items!);
                accepted += result.Accepted;
                duplicate += result.Duplicate;
                rejected += result.Rejected;
                foreach (var e in result.Errors.Take(Math.Max(0, 10 - errors.Count)))
                {
                    errors.Add((chunk.Rows[e.Index], string.Join("; ", e.Errors)));
                }
            }

            producer.GetAwaiter().GetResult();
            rejected += parseRejected;
            errors.AddRange(parseErrors);
            task?.Value(100);
            store.Checkpoint();
        }

        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            AnsiConsole.Progress().Start(ctx => Import(ctx.AddTask($"importing {Path.GetFileName(path)}", maxValue: 100)));
        }
        else
        {
            Import(null);
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("records").AddColumn(new TableColumn("count").RightAligned());
        table.AddRow("accepted", accepted.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("duplicate", duplicate.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("rejected", rejected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("seconds", watch.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("records/s", (accepted / Math.Max(0.001, watch.Elapsed.TotalSeconds)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        foreach (var (position, message) in errors.OrderBy(e => e.Position).Take(10))
        {
            Console.WriteLine($"rejected {unit} {position}: {message}");
        }

        return 0;
    }

    /// <summary>A parsed batch and the line (or row) number of each of its records.</summary>
    private sealed record ParsedChunk(ParsedBatch<Persona.Core.Events.BehaviorEvent>? Events, ParsedBatch<Persona.Core.Catalog.CatalogItem>? Items, long[] Rows);
}
