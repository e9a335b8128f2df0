using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Synthetic;

namespace Persona.LoadTest;

/// <summary>
/// <c>segments-probe</c>: measures how soon segment membership follows an event on a running service.
/// It puts a segment rule that only probe users satisfy (<c>devices.probe >= 1</c>), sends synthetic background
/// load at a paced rate, and meanwhile, again and again, sends one event that makes a fresh user enter the
/// segment and polls <c>GET /v1/users/{id}/segments</c> until the user is a member. It reports the percentiles of
/// (membership seen − the event's 200 received) as JSON. Bounded in time; stops by itself.
/// </summary>
internal static class SegmentProbeCommand
{
    public const string Segment = "probe-seen";
    public const string Rule = "devices.probe >= 1";

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Service base address (loopback)", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var seconds = new Option<int>("--seconds") { Description = "Duration of the measured run", DefaultValueFactory = _ => 30 };
        var rate = new Option<int>("--events-per-sec") { Description = "Background ingest rate (0 = none)", DefaultValueFactory = _ => 2_000 };
        var batch = new Option<int>("--batch") { Description = "Background events per POST", DefaultValueFactory = _ => 100 };
        var interval = new Option<int>("--probe-interval-ms") { Description = "Pause between two probes", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup-seconds") { Description = "Probes and load before measuring (JIT, caches)", DefaultValueFactory = _ => 5 };
        var probe = new Command("segments-probe", "Membership latency under load: time from an event's 200 until the user's segments list the segment it enters; prints JSON") { url, seconds, rate, batch, interval, warmup };
        probe.SetAction((r, ct) => Probe(new Uri(r.GetValue(url)!), Math.Clamp(r.GetValue(seconds), 1, 600), Math.Max(0, r.GetValue(rate)), Math.Clamp(r.GetValue(batch), 1, 10_000), Math.Max(0, r.GetValue(interval)), Math.Max(0, r.GetValue(warmup)), ct));
        return probe;
    }

    private static async Task<int> Probe(Uri baseUri, int seconds, int rate, int batchSize, int intervalMs, int warmupSeconds, CancellationToken ct)
    {
        if (!baseUri.IsLoopback)
        {
            Console.Error.WriteLine("url: probe runs target loopback addresses only");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        using var background = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        var run = Guid.NewGuid().ToString("N")[..8];
        var shop = new SyntheticShop(new ShopOptions { Seed = 17, Users = 20_000, Items = 2_000, Events = long.MaxValue });
        foreach (var chunk in shop.Catalog.Chunk(1_000))
        {
            using var itemsBody = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(chunk, Json.Options));
            itemsBody.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            (await http.PostAsync(new Uri("/v1/items", UriKind.Relative), itemsBody, ct)).EnsureSuccessStatusCode();
        }

        var item = shop.Catalog[0].ItemId;
        using (var rule = JsonContent.Create(new { rule = Rule }))
        {
            (await http.PutAsync(new Uri($"/v1/segments/{Segment}", UriKind.Relative), rule, ct)).EnsureSuccessStatusCode();
        }

        // Background bodies are made before the run (event times moved to the last minutes, in order, so that
        // none is refused as too old or too new), so that the client spends its CPU before measuring.
        var types = new EventTypes();
        var total = (long)rate * (seconds + warmupSeconds);
        var start = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var bodies = new List<byte[]>();
        var made = 0L;
        foreach (var chunk in shop.Events().Take((int)Math.Min(total, 5_000_000)).Chunk(batchSize))
        {
            bodies.Add(CanonicalJson.Array(chunk.Select(e => e with { EventId = $"{run}-{e.EventId}", TimestampMs = start + (made++ * 240_000 / Math.Max(1, total)) }), types));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(warmupSeconds + seconds));
        var sent = 0L;
        var load = Task.Run(async () =>
        {
            if (rate == 0)
            {
                return;
            }

            var every = batchSize * (double)Stopwatch.Frequency / rate;
            var due = (double)Stopwatch.GetTimestamp();
            foreach (var body in bodies)
            {
                due += every;
                var wait = (due - Stopwatch.GetTimestamp()) / Stopwatch.Frequency;
                if (wait > 0)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(wait), stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                if (stop.IsCancellationRequested)
                {
                    return;
                }

                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await background.PostAsync(new Uri("/v1/events", UriKind.Relative), content, CancellationToken.None);
                response.EnsureSuccessStatusCode();
                Interlocked.Add(ref sent, batchSize);
            }
        }, CancellationToken.None);

        var measureFrom = Stopwatch.GetTimestamp() + (long)(warmupSeconds * (double)Stopwatch.Frequency);
        var latencies = new List<double>();
        var polls = new List<int>();
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var user = $"probe-{run}-{n++}";
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var body = $$$"""{"eventId":"{{{user}}}","type":"view","userId":"{{{user}}}","itemId":"{{{item}}}","timestamp":{{{now}}},"context":{"device":"probe"}}""";
            using (var content = new StringContent(body, Encoding.UTF8, "application/x-ndjson"))
            using (var response = await http.PostAsync(new Uri("/v1/events", UriKind.Relative), content, CancellationToken.None))
            {
                response.EnsureSuccessStatusCode();
            }

            var acked = Stopwatch.GetTimestamp();
            var attempts = 0;
            var member = false;
            while (!member && Stopwatch.GetElapsedTime(acked) < TimeSpan.FromSeconds(10))
            {
                attempts++;
                var answer = await http.GetFromJsonAsync<JsonElement>(new Uri($"/v1/users/{user}/segments", UriKind.Relative), CancellationToken.None);
                member = answer.GetProperty("segments").EnumerateArray().Any(s => s.GetString() == Segment);
            }

            var seen = Stopwatch.GetElapsedTime(acked).TotalMilliseconds;
            if (!member)
            {
                Console.Error.WriteLine($"probe: {user} was not a member 10 s after its 200");
            }

            if (acked >= measureFrom)
            {
                latencies.Add(member ? seen : double.PositiveInfinity);
                polls.Add(attempts);
            }

            if (intervalMs > 0)
            {
                try
                {
                    await Task.Delay(intervalMs, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await load;
        latencies.Sort();
        var result = new Dictionary<string, object>
        {
            ["seconds"] = seconds,
            ["events_per_sec_target"] = rate,
            ["background_events_sent"] = Interlocked.Read(ref sent),
            ["probes"] = latencies.Count,
            ["membership_p50_ms"] = Percentile.Ms(latencies, 0.5),
            ["membership_p95_ms"] = Percentile.Ms(latencies, 0.95),
            ["membership_p99_ms"] = Percentile.Ms(latencies, 0.99),
            ["membership_max_ms"] = Percentile.Ms(latencies, 1),
            ["polls_mean"] = polls.Count == 0 ? 0 : Math.Round(polls.Average(), 2),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }
}
