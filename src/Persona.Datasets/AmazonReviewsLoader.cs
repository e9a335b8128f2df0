using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Persona.Core.Catalog;
using Persona.Core.Events;

namespace Persona.Datasets;

/// <summary>
/// Amazon reviews as the McAuley lab publishes them: JSON lines, plain or gzipped (a file, or every <c>*.json</c>
/// and <c>*.json.gz</c> of a folder in name order), one review a line with <c>reviewerID</c>, <c>asin</c>,
/// <c>overall</c> (1–5 stars), <c>unixReviewTime</c> (seconds), <c>summary</c> and <c>reviewText</c>; the 2014 and
/// 2018 releases name them alike (2018 adds <c>vote</c>, <c>verified</c>, <c>style</c>, <c>image</c>, which are
/// not read). Each review is a review event with its stars as the rating and "summary. text" as the text, cut to
/// the event's text limit; a review without text keeps its rating. The catalog lists each reviewed item without
/// categories (the review files carry none).
/// </summary>
public static class AmazonReviewsLoader
{
    /// <summary>The longest review text kept: the event text limit of ingestion (longer reviews are cut).</summary>
    public const int MaxTextLength = 4096;

    /// <summary>Streams the events, line by line.</summary>
    public static IEnumerable<BehaviorEvent> Read(string path)
    {
        foreach (var file in DataFiles.Resolve(path, "*.json*"))
        {
            var name = Path.GetFileName(file);
            using var stream = File.OpenRead(file);
            using var input = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(stream, CompressionMode.Decompress) : (Stream)stream;
            using var reader = new StreamReader(input);
            var n = 0;
            while (reader.ReadLine() is { } line)
            {
                n++;
                if (line.Length > 0)
                {
                    yield return Review(line, $"{name}:{n}");
                }
            }
        }
    }

    /// <summary>The catalog: every reviewed item, without categories.</summary>
    public static IReadOnlyList<CatalogItem> Catalog(string path) =>
        [.. Read(path).Select(e => e.ItemId!).Distinct(StringComparer.Ordinal).Select(id => new CatalogItem { ItemId = id })];

    public static EventDataset Load(string path)
    {
        var events = Read(path).ToList();
        return new EventDataset
        {
            Name = "amazon-reviews",
            Events = events,
            Catalog = [.. events.Select(e => e.ItemId!).Distinct(StringComparer.Ordinal).Select(id => new CatalogItem { ItemId = id })],
        };
    }

    /// <summary>One review line as a review event; <paramref name="where"/> (file:line) names it in errors.</summary>
    public static BehaviorEvent Review(string line, string where)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            using var document = JsonDocument.Parse(line);
            var r = document.RootElement;
            var user = Text(r, "reviewerID");
            var item = Text(r, "asin");
            var stars = r.TryGetProperty("overall", out var overall) && overall.ValueKind == JsonValueKind.Number ? overall.GetDouble() : double.NaN;
            var seconds = r.TryGetProperty("unixReviewTime", out var time) && time.ValueKind == JsonValueKind.Number ? time.GetInt64() : long.MinValue;
            if (user is null || item is null || stars is not (>= 1 and <= 5) || seconds == long.MinValue)
            {
                throw new LoaderException($"{where}: a review needs reviewerID, asin, overall 1..5 and unixReviewTime");
            }

            var text = string.Join(". ", new[] { Text(r, "summary"), Text(r, "reviewText") }.Where(t => !string.IsNullOrWhiteSpace(t)));
            return new BehaviorEvent
            {
                EventId = string.Create(CultureInfo.InvariantCulture, $"amazon:{user}:{item}:{seconds}"),
                Type = (byte)EventType.Review,
                UserId = user,
                ItemId = item,
                TimestampMs = seconds * 1000,
                Rating = (int)Math.Round(stars, MidpointRounding.AwayFromZero),
                Text = text.Length == 0 ? null : text.Length <= MaxTextLength ? text : text[..MaxTextLength],
            };
        }
        catch (JsonException ex)
        {
            throw new LoaderException($"{where}: not a JSON object ({ex.Message})");
        }
    }

    private static string? Text(JsonElement r, string name) =>
        r.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
