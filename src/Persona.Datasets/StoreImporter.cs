using System.Collections.Concurrent;
using System.Text.Json;
using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;

namespace Persona.Datasets;

/// <summary>
/// Imports a file into a profile store in batches: canonical NDJSON, CSV or Parquet (events or catalog items,
/// validated as the service validates them), or a public dataset through its loader. The caller opens the
/// store and checkpoints it afterwards.
/// </summary>
public sealed class StoreImporter
{
    /// <summary>The most rejections an import reports (the counts cover all of them).</summary>
    public const int MaxRejections = 10;

    private readonly IProfileStore _store;
    private readonly int _batchSize;
    private readonly Func<string, double>? _sentimentOf;

    /// <param name="store">The store imported into.</param>
    /// <param name="batchSize">Events per batch.</param>
    /// <param name="sentimentOf">
    /// Scores review text as ingestion does (the served sentiment model, or the lexicon): review and rate events with
    /// text and no sentiment get its score, so that an imported history builds the satisfaction the service would.
    /// </param>
    public StoreImporter(IProfileStore store, int batchSize, Func<string, double>? sentimentOf = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _batchSize = Math.Max(1, batchSize);
        _sentimentOf = sentimentOf;
    }

    /// <summary>
    /// A public dataset of <paramref name="format"/> streamed into the store: its catalog first, then its events
    /// in batches. The one rejection reported is the first reason of the first refused event.
    /// </summary>
    public ImportSummary ImportDataset(string format, string path)
    {
        var (events, catalog) = DatasetLoader.Stream(format, path);
        if (catalog.Count > 0)
        {
            _store.UpsertItems(new ParsedBatch<CatalogItem>([.. catalog.Select((c, i) => (i, c))], [], []));
        }

        long accepted = 0, duplicate = 0, rejected = 0;
        ImportRejection? first = null;
        foreach (var chunk in events.Chunk(_batchSize))
        {
            var result = _store.Ingest(new ParsedBatch<BehaviorEvent>([.. chunk.Select((e, i) => (i, Scored(e)))], [], []));
            accepted += result.Accepted;
            duplicate += result.Duplicate;
            rejected += result.Rejected;
            first ??= result.Errors.Count > 0 && result.Errors[0].Errors.Count > 0 ? new ImportRejection(result.Errors[0].Index, result.Errors[0].Errors[0]) : null;
        }

        return new ImportSummary(catalog.Count, accepted, duplicate, rejected, first is null ? [] : [first]);
    }

    private BehaviorEvent Scored(BehaviorEvent e) => _sentimentOf is null ? e : ReviewText.Scored(e, _sentimentOf);

    /// <summary>
    /// A canonical file (events, or catalog items when <paramref name="items"/>) into the store. Reading and
    /// parsing run one batch ahead of the store on another thread, so that parsing overlaps with the durable
    /// writes and profile updates. <paramref name="progress"/> gets the share of the file read (0–1).
    /// </summary>
    public ImportSummary ImportCanonical(string path, bool items, TimeProvider time, Action<double>? progress = null)
    {
        var parser = new EventParser(_store.Engine.Types, time, _sentimentOf);
        using var parsed = new BlockingCollection<ParsedChunk>(boundedCapacity: 2);
        var reading = new ReadState();
        var producer = Task.Run(() => Read(path, items, parser, parsed, reading, progress));
        long accepted = 0, duplicate = 0, rejected = 0;
        var rejections = new List<ImportRejection>();
        foreach (var chunk in parsed.GetConsumingEnumerable())
        {
            var result = chunk.Events is not null ? _store.Ingest(chunk.Events) : _store.UpsertItems(chunk.Items!);
            accepted += result.Accepted;
            duplicate += result.Duplicate;
            rejected += result.Rejected;
            foreach (var e in result.Errors.Take(Math.Max(0, MaxRejections - rejections.Count)))
            {
                rejections.Add(new ImportRejection(chunk.Rows[e.Index], string.Join("; ", e.Errors)));
            }
        }

        producer.GetAwaiter().GetResult();
        rejections.AddRange(reading.Rejections);
        return new ImportSummary(0, accepted, duplicate, rejected + reading.Rejected, [.. rejections.OrderBy(e => e.Position).Take(MaxRejections)]);
    }

    /// <summary>Reads and parses the file into batches of <see cref="_batchSize"/> records, then completes <paramref name="parsed"/>.</summary>
    private void Read(string path, bool items, EventParser parser, BlockingCollection<ParsedChunk> parsed, ReadState reading, Action<double>? progress)
    {
        try
        {
            var batch = new PendingBatch(_batchSize);
            foreach (var record in CanonicalLoader.ReadRecords(path, progress))
            {
                try
                {
                    batch.Add(record.Error is null ? JsonDocument.Parse(record.Json) : throw new JsonException(record.Error), record.Position);
                }
                catch (JsonException ex)
                {
                    reading.Rejected++;
                    if (reading.Rejections.Count < MaxRejections)
                    {
                        reading.Rejections.Add(new ImportRejection(record.Position, $"invalid record: {ex.Message}"));
                    }
                }

                if (batch.Count >= _batchSize)
                {
                    batch.Flush(parsed, items, parser);
                }
            }

            batch.Flush(parsed, items, parser);
        }
        finally
        {
            parsed.CompleteAdding();
        }
    }

    /// <summary>A parsed batch and the line (or row) number of each of its records.</summary>
    private sealed record ParsedChunk(ParsedBatch<BehaviorEvent>? Events, ParsedBatch<CatalogItem>? Items, long[] Rows);

    /// <summary>What the reading thread refused before parsing (records that are not JSON).</summary>
    private sealed class ReadState
    {
        public long Rejected { get; set; }

        public List<ImportRejection> Rejections { get; } = [];
    }

    /// <summary>
    /// The records of the batch being collected. The documents live until their batch is parsed (no copy per
    /// record), then go back to the pool.
    /// </summary>
    private sealed class PendingBatch(int capacity)
    {
        private readonly List<JsonElement> _pending = new(capacity);
        private readonly List<JsonDocument> _documents = new(capacity);
        private readonly List<long> _rows = new(capacity);

        public int Count => _pending.Count;

        public void Add(JsonDocument document, long position)
        {
            _documents.Add(document);
            _pending.Add(document.RootElement);
            _rows.Add(position);
        }

        public void Flush(BlockingCollection<ParsedChunk> parsed, bool items, EventParser parser)
        {
            if (_pending.Count > 0)
            {
                parsed.Add(items ? new ParsedChunk(null, ItemParser.Parse(_pending), [.. _rows]) : new ParsedChunk(parser.Parse(_pending), null, [.. _rows]));
            }

            foreach (var doc in _documents)
            {
                doc.Dispose();
            }

            _documents.Clear();
            _pending.Clear();
            _rows.Clear();
        }
    }
}
