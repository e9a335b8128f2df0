using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Synthetic;

namespace Persona.LoadTest;

/// <summary>
/// <c>loadtest</c>: against a running service on loopback, posts batches of synthetic events while
/// readers fetch profiles; reports sustained events/s, read latency and freshness (time from the 200 for a
/// batch until a profile read reflects its last event). Bounded in time and requests; stops by itself.
/// </summary>
internal static class LoadTestCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Service base address (loopback)", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var seconds = new Option<int>("--seconds") { Description = "Duration", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch") { Description = "Events per POST", DefaultValueFactory = _ => 1_000 };
        var readers = new Option<int>("--readers") { Description = "Concurrent profile readers", DefaultValueFactory = _ => 2 };
        var users = new Option<int>("--users") { Description = "Synthetic users", DefaultValueFactory = _ => 50_000 };
        var readRate = new Option<int>("--read-rate") { Description = "Profile reads per second, all readers together (0 = as fast as possible)", DefaultValueFactory = _ => 1_000 };
        var warmup = new Option<int>("--warmup-seconds") { Description = "Run this long before measuring (tiered JIT of the service, its first collections, caches); the duration comes after it", DefaultValueFactory = _ => 30 };
        var ingestRate = new Option<int>("--events-per-sec") { Description = "Ingest rate target (0 = as fast as the service acknowledges)", DefaultValueFactory = _ => 0 };
        var controlRate = new Option<int>("--control-rate") { Description = "GET /health requests per second beside the profile reads, as a control: the same loopback HTTP path without the profile read (0 = none)", DefaultValueFactory = _ => 0 };
        var inlineIo = InlineIo.Option("Complete the client's socket operations on the runtime's I/O threads (fewer thread wake-ups per request, as serve --inline-io)");
        var command = new Command("loadtest", "HTTP load run: ingest batches while reading profiles; prints JSON") { url, seconds, batch, readers, users, readRate, ingestRate, warmup, controlRate, inlineIo };
        command.SetAction((r, ct) =>
        {
            if (r.GetValue(inlineIo))
            {
                InlineIo.Enable();
            }

            return Run(new Uri(r.GetValue(url)!), Math.Clamp(r.GetValue(seconds), 1, 600), r.GetValue(batch), Math.Max(1, r.GetValue(readers)), r.GetValue(users), Math.Max(0, r.GetValue(readRate)), Math.Max(0, r.GetValue(ingestRate)), Math.Max(0, r.GetValue(warmup)), Math.Max(0, r.GetValue(controlRate)), ct);
        });
        return command;
    }

    private static async Task<int> Run(Uri baseUri, int seconds, int batchSize, int readerCount, int userCount, int readRate, int ingestRate, int warmupSeconds, int controlRate, CancellationToken ct)
    {
        if (!baseUri.IsLoopback)
        {
            Console.Error.WriteLine("url: load runs target loopback addresses only");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        var shop = new SyntheticShop(new ShopOptions { Seed = 99, Users = userCount, Items = 5_000, Events = long.MaxValue, Start = DateTimeOffset.UtcNow.AddDays(-365) }); // about 34 M events (9 min unpaced) before the stream reaches the present
        var types = new EventTypes();
        foreach (var chunk in shop.Catalog.Chunk(1_000))
        {
            using var itemsBody = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(chunk, Json.Options));
            itemsBody.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            (await http.PostAsync(new Uri("/v1/items", UriKind.Relative), itemsBody, ct)).EnsureSuccessStatusCode();
        }

        // The request bodies are serialised ahead, on a background task, so that the load generator spends
        // its CPU before the requests and the measured latencies are the service's rather than the client's.
        // A paced run gets every batch it needs before it starts (up to 5,000 batches), and the generator then
        // stops: refilling the queue during the run took 3–4 ms of a core per batch, and a service thread woken
        // on that core waited for it (docs/BENCHMARKS.md). An unpaced one gets a head start of 200.
        var required = ingestRate > 0 ? (long)Math.Ceiling((double)ingestRate * (warmupSeconds + seconds) / batchSize) + 2 : long.MaxValue;
        var needed = (int)Math.Min(ingestRate > 0 ? 5_000 : 200, required);
        using var bodies = new System.Collections.Concurrent.BlockingCollection<PreparedBatch>(boundedCapacity: needed);
        using var generatorStop = new CancellationTokenSource();
        var generator = Task.Run(() =>
        {
            var perUser = new Dictionary<string, long>(StringComparer.Ordinal);
            using var stream = shop.Events().GetEnumerator();
            try
            {
                for (var made = 0L; made < required && !generatorStop.IsCancellationRequested; made++)
                {
                    var chunk = new List<BehaviorEvent>(batchSize);
                    while (chunk.Count < batchSize && stream.MoveNext())
                    {
                        chunk.Add(stream.Current);
                    }

                    foreach (var e in chunk)
                    {
                        perUser[e.UserId] = perUser.GetValueOrDefault(e.UserId) + 1;
                    }

                    var last = chunk[^1].UserId;
                    bodies.Add(new PreparedBatch(CanonicalJson.Array(chunk, types), chunk.Count, last, perUser[last], [.. chunk.Select(e => e.UserId).Distinct().Take(50)]), generatorStop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // the run is over
            }
        }, CancellationToken.None);
        while (bodies.Count < bodies.BoundedCapacity && !generator.IsCompleted)
        {
            await Task.Delay(50, ct);
        }

        var seen = new List<string>();
        var seenLock = new Lock();
        var freshness = new List<double>();
        long events = 0;
        ClientCost? clientFrom = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(warmupSeconds + seconds));
        var measureFrom = Stopwatch.GetTimestamp() + (long)(warmupSeconds * (double)Stopwatch.Frequency);
        bool Measuring() => Stopwatch.GetTimestamp() >= measureFrom;
        var readInterval = readRate == 0 ? 0 : readerCount * (double)Stopwatch.Frequency / readRate;
        var readerTasks = Enumerable.Range(0, readerCount).Select(i =>
        {
            var rng = new Random(i);
            return Task.Run(() => GetPaced(http, readInterval, Measuring, () =>
            {
                lock (seenLock)
                {
                    return seen.Count == 0 ? null : $"/v1/users/{seen[rng.Next(seen.Count)]}/profile";
                }
            }, stop.Token), CancellationToken.None);
        }).ToArray();

        // The control: GET /health on the same schedule rules, through the same client, server and loopback, but
        // without the profile read. Where its tail matches the profile reads' tail, the tail is not the read path.
        var control = controlRate == 0
            ? Task.FromResult(new List<Latency>())
            : Task.Run(() => GetPaced(http, (double)Stopwatch.Frequency / controlRate, Measuring, () => "/health", stop.Token), CancellationToken.None);

        var batchInterval = ingestRate == 0 ? 0 : batchSize * (double)Stopwatch.Frequency / ingestRate;
        var nextBatch = (double)Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            if (batchInterval > 0)
            {
                nextBatch += batchInterval;
                var wait = (nextBatch - Stopwatch.GetTimestamp()) / Stopwatch.Frequency;
                if (wait > 0 && !await Pause(wait, stop.Token))
                {
                    break;
                }
            }

            if (!bodies.TryTake(out var next, 1_000, CancellationToken.None))
            {
                continue; // the generator fell behind
            }

            using var body = new ByteArrayContent(next.Body);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(new Uri("/v1/events", UriKind.Relative), body, CancellationToken.None);
            response.EnsureSuccessStatusCode();
            var acked = Stopwatch.GetTimestamp();
            var measuring = Measuring();
            if (measuring)
            {
                events += next.Events;
                clientFrom ??= ClientCost.Now();
            }

            // Freshness: read the last event's user until the profile counts all its events.
            for (var attempt = 0; attempt < 1_000; attempt++)
            {
                var profile = await http.GetFromJsonAsync<JsonElement>(new Uri($"/v1/users/{next.LastUser}/profile", UriKind.Relative), CancellationToken.None);
                if (profile.GetProperty("eventCount").GetInt64() >= next.LastUserEvents)
                {
                    if (measuring)
                    {
                        freshness.Add(Stopwatch.GetElapsedTime(acked).TotalMilliseconds);
                    }

                    break;
                }
            }

            lock (seenLock)
            {
                seen.AddRange(next.Users);
            }
        }

        // The client's own cost: from the first batch acknowledged in the measured window to the end of the ingest loop.
        var client = clientFrom is { } from ? ClientCost.Now() - from : new ClientCost(0, TimeSpan.Zero, TimeSpan.Zero);
        generatorStop.Cancel();
        await generator;
        var elapsed = Math.Max(0.001, (Stopwatch.GetTimestamp() - measureFrom) / (double)Stopwatch.Frequency);
        var reads = (await Task.WhenAll(readerTasks)).SelectMany(x => x).ToArray();
        var readLatencies = reads.Select(x => x.FromSend).Order().ToArray();
        var readFromSchedule = reads.Select(x => x.FromSchedule).Order().ToArray();
        var controls = await control;
        var controlLatencies = controls.Select(x => x.FromSend).Order().ToArray();
        var controlFromSchedule = controls.Select(x => x.FromSchedule).Order().ToArray();
        var freshnessSorted = freshness.Order().ToArray();
        var result = new Dictionary<string, object>
        {
            ["seconds"] = Math.Round(elapsed, 1),
            ["batch"] = batchSize,
            ["events_per_sec_target"] = ingestRate,
            ["events"] = events,
            ["events_per_sec"] = Math.Round(events / elapsed),
            ["read_rate_target"] = readRate,
            ["reads"] = readLatencies.Length,
            ["read_p50_ms"] = Percentile.Ms(readLatencies, 0.5),
            ["read_p99_ms"] = Percentile.Ms(readLatencies, 0.99),
            ["read_p999_ms"] = Percentile.Ms(readLatencies, 0.999),
            ["read_max_ms"] = Percentile.Ms(readLatencies, 1),
            // From each read's scheduled time, the wait for the reader's previous read included (no coordinated omission).
            ["read_p50_from_schedule_ms"] = Percentile.Ms(readFromSchedule, 0.5),
            ["read_p99_from_schedule_ms"] = Percentile.Ms(readFromSchedule, 0.99),
            ["read_p999_from_schedule_ms"] = Percentile.Ms(readFromSchedule, 0.999),
            ["read_max_from_schedule_ms"] = Percentile.Ms(readFromSchedule, 1),
            ["control_rate_target"] = controlRate,
            ["control_reads"] = controlLatencies.Length,
            ["control_p50_ms"] = Percentile.Ms(controlLatencies, 0.5),
            ["control_p99_ms"] = Percentile.Ms(controlLatencies, 0.99),
            ["control_p99_from_schedule_ms"] = Percentile.Ms(controlFromSchedule, 0.99),
            ["freshness_samples"] = freshness.Count,
            ["freshness_p50_ms"] = Percentile.Ms(freshnessSorted, 0.5),
            ["freshness_p99_ms"] = Percentile.Ms(freshnessSorted, 0.99),
            // The load generator shares the machine with the service: what it spent in the measured window.
            ["client_cpu_cores"] = client.WallSeconds > 0 ? Math.Round(client.Cpu.TotalSeconds / client.WallSeconds, 3) : 0,
            ["client_gc_pause_ms"] = Math.Round(client.GcPause.TotalMilliseconds, 1),
            ["generator_ran_during_run"] = required > needed, // unpaced, or a paced run needing more than the queue holds
            ["inline_io"] = Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1",
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>The load generator's own process time, collection pauses and wall time, to subtract two readings.</summary>
    private readonly record struct ClientCost(double WallSeconds, TimeSpan Cpu, TimeSpan GcPause)
    {
        public static ClientCost Now()
        {
            using var self = Process.GetCurrentProcess();
            return new(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency, self.TotalProcessorTime, GC.GetTotalPauseDuration());
        }

        public static ClientCost operator -(ClientCost a, ClientCost b) => new(a.WallSeconds - b.WallSeconds, a.Cpu - b.Cpu, a.GcPause - b.GcPause);
    }

    private sealed record PreparedBatch(byte[] Body, int Events, string LastUser, long LastUserEvents, string[] Users);

    /// <summary>One request's latency in milliseconds: from the time it was due by the schedule, and from its send.</summary>
    private readonly record struct Latency(double FromSchedule, double FromSend);

    /// <summary>
    /// GETs the paths <paramref name="next"/> gives (null: nothing to read yet) until <paramref name="stop"/>,
    /// open-loop: one due every <paramref name="interval"/> stopwatch ticks whatever the latency of earlier ones
    /// (0: back to back). A read that is due while the previous one is still out is sent when that one returns, and
    /// its latency from the schedule counts the wait (no coordinated omission); the latency from the send does not.
    /// Returns the latencies of the requests that started while measuring.
    /// </summary>
    private static async Task<List<Latency>> GetPaced(HttpClient http, double interval, Func<bool> measuring, Func<string?> next, CancellationToken stop)
    {
        var latencies = new List<Latency>();
        var due = (double)Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            if (interval > 0)
            {
                due += interval;
                var wait = (due - Stopwatch.GetTimestamp()) / Stopwatch.Frequency;
                if (wait > 0 && !await Pause(wait, stop))
                {
                    break;
                }
            }

            if (next() is not { } path)
            {
                await Task.Yield();
                continue;
            }

            var t0 = Stopwatch.GetTimestamp();
            var scheduled = interval > 0 ? (long)due : t0;
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), CancellationToken.None);
            await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
            var done = Stopwatch.GetTimestamp();
            if (measuring())
            {
                latencies.Add(new Latency((done - scheduled) * 1000.0 / Stopwatch.Frequency, (done - t0) * 1000.0 / Stopwatch.Frequency));
            }
        }

        return latencies;
    }

    /// <summary>Waits <paramref name="seconds"/>; false when the run ends first (a slow pace must not outlast the run).</summary>
    private static async Task<bool> Pause(double seconds, CancellationToken stop)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
