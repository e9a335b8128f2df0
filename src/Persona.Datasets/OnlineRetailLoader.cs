using System.Globalization;
using System.IO.Compression;
using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Core.Ingest;

namespace Persona.Datasets;

/// <summary>
/// UCI Online Retail: an invoice log (<c>InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country</c>,
/// CSV, optionally gzipped). Each invoice line with a customer becomes a purchase of <c>StockCode</c> with its
/// quantity and unit price (GBP); a cancellation (<c>InvoiceNo</c> starting with C) keeps its negative quantity,
/// so that it takes back what the purchase added. The invoice is the session; the country goes into the
/// context. Lines without a customer cannot be attributed and are skipped. The catalog holds each stock code's
/// description and median unit price; the data has no categories. Dates are the shop's local time, read as UTC.
/// </summary>
public static class OnlineRetailLoader
{
    private const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

    /// <summary>Streams the events (memory independent of file size).</summary>
    public static IEnumerable<BehaviorEvent> Read(string path) => Rows(path).Where(r => r.Customer is not null).Select(r => r.Event!);

    /// <summary>The catalog: each stock code's most frequent description and median unit price over its lines.</summary>
    public static IReadOnlyList<CatalogItem> Catalog(string path)
    {
        var prices = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var titles = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var row in Rows(path))
        {
            if (!prices.TryGetValue(row.StockCode, out var list))
            {
                prices[row.StockCode] = list = [];
            }

            if (row.UnitPrice > 0)
            {
                list.Add(row.UnitPrice);
            }

            if (row.Description.Length > 0)
            {
                if (!titles.TryGetValue(row.StockCode, out var counts))
                {
                    titles[row.StockCode] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
                }

                counts[row.Description] = counts.GetValueOrDefault(row.Description) + 1;
            }
        }

        return [.. prices.Select(p => new CatalogItem
        {
            ItemId = p.Key,
            Title = titles.TryGetValue(p.Key, out var counts) ? counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).First().Key : null,
            Price = p.Value.Count == 0 ? null : Median(p.Value),
        })];
    }

    public static EventDataset Load(string path) => new() { Name = "online-retail", Events = [.. Read(path)], Catalog = Catalog(path) };

    private static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static IEnumerable<Row> Rows(string path)
    {
        var file = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.csv*").Order(StringComparer.Ordinal).FirstOrDefault() ?? throw new LoaderException($"{path}: no .csv or .csv.gz file")
            : path;
        using var stream = File.OpenRead(file);
        using var input = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(stream, CompressionMode.Decompress) : (Stream)stream;
        using var reader = new StreamReader(input);
        var name = Path.GetFileName(file);
        var n = 0;
        while (reader.ReadLine() is { } line)
        {
            n++;
            if (n == 1)
            {
                if (line.TrimStart('\uFEFF') != Header)
                {
                    throw new LoaderException($"{name}:1: expected the header '{Header}'");
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            yield return Parse(line, name, n);
        }
    }

    private static Row Parse(string line, string file, int n)
    {
        var f = CsvLine.Split(line);
        if (f.Count != 8
            || !int.TryParse(f[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var quantity)
            || !DateTime.TryParseExact(f[4], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            || !double.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out var price)
            || f[1].Length == 0)
        {
            throw new LoaderException($"{file}:{n}: expected InvoiceNo,StockCode,Description,Quantity (integer),InvoiceDate (yyyy-MM-dd HH:mm:ss),UnitPrice (number),CustomerID,Country");
        }

        string? customer = null;
        if (f[6].Length > 0)
        {
            if (!double.TryParse(f[6], NumberStyles.Float, CultureInfo.InvariantCulture, out var id))
            {
                throw new LoaderException($"{file}:{n}: CustomerID '{f[6]}' is not a number");
            }

            customer = ((long)id).ToString(CultureInfo.InvariantCulture);
        }

        var invoice = f[0];
        var e = customer is null ? null : new BehaviorEvent
        {
            EventId = $"or:{n}",
            Type = (byte)EventType.Purchase,
            UserId = customer,
            SessionId = invoice,
            ItemId = f[1],
            TimestampMs = new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeMilliseconds(),
            Price = price,
            Quantity = quantity,
            Currency = "GBP",
            Context = f[7].Length == 0 ? null : new EventContext { Values = new Dictionary<string, string>(StringComparer.Ordinal) { ["country"] = f[7] } },
        };
        return new Row(f[1], f[2], price, customer, e);
    }

    private sealed record Row(string StockCode, string Description, double UnitPrice, string? Customer, BehaviorEvent? Event);
}
