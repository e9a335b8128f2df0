using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Persona.LoadTest;

/// <summary>
/// <c>feed</c>: streams an NDJSON file of events to one or more service addresses (a cluster's silos) in batches,
/// one batch at a time and in file order, sending each batch to the next address in turn; a batch without a 200
/// (a refused connection, a timeout, a 503) is sent again to the next address until one acknowledges it. So
/// every batch is acknowledged exactly once, in order, whatever dies in between; the service's deduplication
/// absorbs the parts of a failed batch that had become durable. Reports, as JSON, the batches and events sent,
/// the retries, the events/s, the longest time without an acknowledgement (a failover's gap) and every gap over a second.
/// </summary>
internal static class FeedCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Comma-separated service addresses, used in turn", Required = true };
        var input = new Option<string>("--input") { Description = "NDJSON file of events, one per line", Required = true };
        var batch = new Option<int>("--batch") { Description = "Events per POST", DefaultValueFactory = _ => 1_000 };
        var rate = new Option<int>("--events-per-sec") { Description = "Pace (0: as fast as acknowledgements come)", DefaultValueFactory = _ => 0 };
        var timeout = new Option<int>("--timeout-ms") { Description = "A batch without an answer by then is sent to the next address", DefaultValueFactory = _ => 10_000 };
        var items = new Option<string?>("--items") { Description = "NDJSON catalog to post first, in batches" };
        var command = new Command("feed", "Stream events to one or more addresses in order, re-sending any batch without a 200 to the next; prints JSON") { urls, input, batch, rate, timeout, items };
        command.SetAction((r, ct) => Run(
            [.. r.GetValue(urls)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u))],
            r.GetValue(input)!, Math.Clamp(r.GetValue(batch), 1, 10_000), Math.Max(0, r.GetValue(rate)), Math.Max(100, r.GetValue(timeout)), r.GetValue(items), ct));
        return command;
    }

    private static async Task<int> Run(Uri[] urls, string input, int batchSize, int rate, int timeoutMs, string? items, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(timeoutMs) };
        var next = 0;
        var retries = 0;
        if (items is not null)
        {
            foreach (var chunk in File.ReadLines(items).Where(l => l.Length > 0).Chunk(batchSize))
            {
                (next, retries) = await Deliver(http, urls, "/v1/items", Body(chunk), next, retries, ct);
            }
        }

        var batches = File.ReadLines(input).Where(l => l.Length > 0).Chunk(batchSize).ToList();
        var started = Stopwatch.GetTimestamp();
        var lastAck = started;
        var longestGap = 0.0;
        var longestGapAt = 0;
        var gaps = new List<object>();
        var events = 0L;
        for (var b = 0; b < batches.Count; b++)
        {
            if (rate > 0 && Stopwatch.GetElapsedTime(started).TotalSeconds < (double)events / rate)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)events / rate) - Stopwatch.GetElapsedTime(started), ct);
            }

            (next, retries) = await Deliver(http, urls, "/v1/events", Body(batches[b]), next, retries, ct);
            var now = Stopwatch.GetTimestamp();
            var gap = Stopwatch.GetElapsedTime(lastAck, now).TotalMilliseconds;
            if (gap > longestGap)
            {
                (longestGap, longestGapAt) = (gap, b);
            }

            if (gap >= 1_000)
            {
                gaps.Add(new { beforeBatch = b, atSecond = Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 1), ms = Math.Round(gap, 1) });
            }

            lastAck = now;
            events += batches[b].Length;
            if (b % 50 == 49)
            {
                await Console.Error.WriteLineAsync($"feed: {b + 1}/{batches.Count} batches acknowledged, {retries} retries, {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            batches = batches.Count,
            events,
            retries,
            seconds = Math.Round(seconds, 2),
            eventsPerSecond = seconds > 0 ? Math.Round(events / seconds) : 0,
            longestGapMs = Math.Round(longestGap, 1),
            longestGapBeforeBatch = longestGapAt,
            gapsOverOneSecond = gaps,
        }, Json.Options));
        return 0;
    }

    /// <summary>Posts <paramref name="body"/> to the addresses in turn from <paramref name="next"/> until one answers 2xx; returns the address after it and the retries so far.</summary>
    private static async Task<(int Next, int Retries)> Deliver(HttpClient http, Uri[] urls, string path, byte[] body, int next, int retries, CancellationToken ct)
    {
        while (true)
        {
            var url = urls[next];
            next = (next + 1) % urls.Length;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                using var response = await http.PostAsync(new Uri(url, path), content, ct);
                if (response.IsSuccessStatusCode)
                {
                    return (next, retries);
                }

                await Console.Error.WriteLineAsync($"feed: {url} answered {(int)response.StatusCode}; next address");
                if ((int)response.StatusCode is >= 400 and < 500 and not 429)
                {
                    throw new InvalidOperationException($"{url}{path} refused a batch: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // Refused, reset or timed out: the next address gets the batch.
                await Console.Error.WriteLineAsync($"feed: {url} failed ({ex.GetType().Name}); next address");
            }

            retries++;
            await Task.Delay(TimeSpan.FromMilliseconds(retries % urls.Length == 0 ? 200 : 20), ct);
        }
    }

    private static byte[] Body(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Join('\n', lines));
}
