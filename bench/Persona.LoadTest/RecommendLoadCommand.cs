using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Persona.Core.Events;
using Persona.Synthetic;

namespace Persona.LoadTest;

/// <summary>
/// <c>loadtest-recommend</c>: against a running service on loopback, loads a synthetic shop (catalog
/// with some items out of stock, then its event stream as fast as it is acknowledged), waits until the
/// recommendation index has followed the log, then asks for recommendations at a fixed rate (open loop) for
/// known and unknown users, optionally while more events stream in. Reports latency percentiles and checks
/// every answer: k distinct items, a recommendationId, reasons, no out-of-stock item, no item the user bought
/// (before the request was sent) unless people buy it again.
/// </summary>
internal static class RecommendLoadCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Service base address (loopback)", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var items = new Option<int>("--items") { Description = "Catalog items", DefaultValueFactory = _ => 20_000 };
        var users = new Option<int>("--users") { Description = "Synthetic users", DefaultValueFactory = _ => 100_000 };
        var events = new Option<long>("--events") { Description = "Events loaded before the run", DefaultValueFactory = _ => 2_000_000 };
        var rate = new Option<int>("--rate") { Description = "Recommendation requests per second", DefaultValueFactory = _ => 1_000 };
        var k = new Option<int>("--k") { Description = "Items per answer", DefaultValueFactory = _ => 20 };
        var seconds = new Option<int>("--seconds") { Description = "Measured duration", DefaultValueFactory = _ => 30 };
        var warmup = new Option<int>("--warmup-seconds") { Description = "Requests before measuring", DefaultValueFactory = _ => 10 };
        var ingest = new Option<int>("--events-per-sec") { Description = "Events streamed in meanwhile (0 = none)", DefaultValueFactory = _ => 0 };
        var coldShare = new Option<double>("--cold-share") { Description = "Share of requests for users with no events", DefaultValueFactory = _ => 0.2 };
        var outOfStock = new Option<double>("--out-of-stock") { Description = "Share of the catalog out of stock", DefaultValueFactory = _ => 0.05 };
        var connections = new Option<int>("--connections") { Description = "Requests in flight at most (each waits for its answer before taking the next scheduled slot)", DefaultValueFactory = _ => 4 };
        var inlineIo = InlineIo.Option("Complete the client's socket operations on the runtime's I/O threads (fewer thread wake-ups per request)");
        var command = new Command("loadtest-recommend", "HTTP load run of recommendations with correctness checks; prints JSON") { url, items, users, events, rate, k, seconds, warmup, ingest, coldShare, outOfStock, connections, inlineIo };
        command.SetAction((r, ct) =>
        {
            if (r.GetValue(inlineIo))
            {
                InlineIo.Enable();
            }

            return Run(
            new Uri(r.GetValue(url)!), r.GetValue(items), r.GetValue(users), r.GetValue(events), Math.Max(1, r.GetValue(rate)), r.GetValue(k),
            Math.Clamp(r.GetValue(seconds), 1, 600), Math.Max(0, r.GetValue(warmup)), Math.Max(0, r.GetValue(ingest)), r.GetValue(coldShare), r.GetValue(outOfStock), Math.Clamp(r.GetValue(connections), 1, 256), ct);
        });
        return command;
    }

    private static async Task<int> Run(Uri baseUri, int itemCount, int userCount, long eventCount, int rate, int k, int seconds, int warmupSeconds, int ingestRate, double coldShare, double outOfStockShare, int connections, CancellationToken ct)
    {
        if (!baseUri.IsLoopback)
        {
            Console.Error.WriteLine("url: load runs target loopback addresses only");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        var shop = new SyntheticShop(new ShopOptions { Seed = 7, Users = userCount, Items = itemCount, Events = long.MaxValue, Start = DateTimeOffset.UtcNow.AddDays(-120) });
        var rng = new Random(7);
        var catalog = shop.Catalog.Select(i => rng.NextDouble() < outOfStockShare ? i with { InStock = false } : i).ToList();
        var outOfStock = catalog.Where(i => !i.InStock).Select(i => i.ItemId).ToHashSet(StringComparer.Ordinal);
        foreach (var chunk in catalog.Chunk(1_000))
        {
            await Post(http, "/v1/items", JsonSerializer.SerializeToUtf8Bytes(chunk, Json.Options), ct);
        }

        // The stream: loaded before the run, then (optionally) continued during it. Purchases are tracked once acknowledged.
        var purchases = new Purchases();
        using var stream = shop.Events().GetEnumerator();
        var loadWatch = Stopwatch.StartNew();
        var posted = 0L;
        while (posted < eventCount)
        {
            var batch = Take(stream, (int)Math.Min(5_000, eventCount - posted));
            if (batch.Count == 0)
            {
                break;
            }

            await Post(http, "/v1/events", Ndjson(batch), ct);
            purchases.Add(batch);
            posted += batch.Count;
        }

        var loadSeconds = loadWatch.Elapsed.TotalSeconds;
        var startIndexed = (await Stats(http, ct))["eventsIndexed"]!.GetValue<long>();
        while ((await Stats(http, ct))["eventsIndexed"]!.GetValue<long>() < posted)
        {
            await Task.Delay(100, ct);
        }

        var followSeconds = loadWatch.Elapsed.TotalSeconds - loadSeconds;
        // Users with events: those the stream reached (or, with nothing loaded now, the shop's users, from an earlier run into the same store).
        var knownUsers = posted > 0 ? purchases.Users.ToArray() : [.. Enumerable.Range(0, userCount).Select(SyntheticShop.UserId)];

        // Requests at a fixed rate by several workers; the latency is measured from the scheduled time (no coordinated omission) and from the send.
        using var stop = new CancellationTokenSource();
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmupSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(seconds * Stopwatch.Frequency);
        var interval = (double)Stopwatch.Frequency / rate;
        var next = -1L;
        var results = new System.Collections.Concurrent.ConcurrentBag<(double FromSchedule, double FromSend)>();
        var violations = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var examples = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var answered = 0L;
        // The client's own collections in the measured window: a pause of the client delays requests past their
        // scheduled time as a stall of the service would, so it is reported beside the latencies.
        var clientGc = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds((double)Math.Max(0, measureFrom - Stopwatch.GetTimestamp()) / Stopwatch.Frequency), ct);
            var (pause, gen0, gen1, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            await Task.Delay(TimeSpan.FromSeconds((double)Math.Max(0, end - Stopwatch.GetTimestamp()) / Stopwatch.Frequency), ct);
            return (Ms: (GC.GetTotalPauseDuration() - pause).TotalMilliseconds, Collections: $"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}");
        }, ct);
        var ingestTask = ingestRate > 0 ? Task.Run(() => StreamIn(http, stream, purchases, ingestRate, () => Stopwatch.GetTimestamp() < end, ct), ct) : Task.FromResult(0L);
        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(async () =>
        {
            var local = new Random(1_000 + w);
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                var due = start + (long)(i * interval);
                if (due >= end)
                {
                    return;
                }

                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
                }

                var cold = local.NextDouble() < coldShare;
                var user = cold ? $"cold-{w}-{i}" : knownUsers[local.Next(knownUsers.Length)];
                var bought = cold ? null : purchases.Snapshot(user);
                var sent = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(new Uri($"/v1/users/{Uri.EscapeDataString(user)}/recommendations?k={k}", UriKind.Relative), ct);
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                var done = Stopwatch.GetTimestamp();
                if (due >= measureFrom)
                {
                    results.Add((Ms(done - due), Ms(done - sent)));
                }

                Interlocked.Increment(ref answered);
                foreach (var problem in Check(response.IsSuccessStatusCode, body, k, outOfStock, bought, purchases))
                {
                    violations.AddOrUpdate(problem, 1, (_, n) => n + 1);
                    if (examples.Count < 5)
                    {
                        examples.Enqueue($"{user}: {problem}");
                    }
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        var streamed = await ingestTask;
        var (clientPauseMs, clientCollections) = await clientGc;
        var fromSchedule = results.Select(x => x.FromSchedule).Order().ToArray();
        var fromSend = results.Select(x => x.FromSend).Order().ToArray();
        var report = new JsonObject
        {
            ["items"] = itemCount,
            ["users"] = userCount,
            ["users_with_events"] = knownUsers.Length,
            ["events_loaded"] = posted,
            ["load_seconds"] = Math.Round(loadSeconds, 1),
            ["index_follow_seconds_after_load"] = Math.Round(followSeconds, 1),
            ["events_streamed_during_run"] = streamed,
            ["k"] = k,
            ["target_rate"] = rate,
            ["connections"] = connections,
            ["measured_requests"] = fromSchedule.Length,
            ["achieved_rate"] = Math.Round(fromSchedule.Length / (double)seconds, 1),
            // From the send: what the service and the loopback took once the request went out.
            ["p50_ms"] = Percentile.Ms(fromSend, 0.50),
            ["p90_ms"] = Percentile.Ms(fromSend, 0.90),
            ["p99_ms"] = Percentile.Ms(fromSend, 0.99),
            ["p999_ms"] = Percentile.Ms(fromSend, 0.999),
            ["max_ms"] = Percentile.Ms(fromSend, 1),
            // From each request's scheduled time: the wait for a free connection (a worker still busy with an
            // earlier request) included, so a stall counts for every request it delays (no coordinated omission).
            ["p50_from_schedule_ms"] = Percentile.Ms(fromSchedule, 0.50),
            ["p90_from_schedule_ms"] = Percentile.Ms(fromSchedule, 0.90),
            ["p99_from_schedule_ms"] = Percentile.Ms(fromSchedule, 0.99),
            ["p999_from_schedule_ms"] = Percentile.Ms(fromSchedule, 0.999),
            ["max_from_schedule_ms"] = Percentile.Ms(fromSchedule, 1),
            ["late_requests"] = fromSchedule.Count(x => x > 10), // more than 10 ms after their scheduled time
            ["client_gc_pause_ms"] = Math.Round(clientPauseMs, 1),
            ["client_gc_collections_gen0_1_2"] = clientCollections,
            ["answers_checked"] = Interlocked.Read(ref answered),
            ["violations"] = new JsonObject(violations.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["violation_examples"] = new JsonArray([.. examples.Select(e => (JsonNode?)e)]),
        };
        Console.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return violations.IsEmpty ? 0 : 1;
    }

    /// <summary>What is wrong with one answer (nothing, for a good one).</summary>
    private static IEnumerable<string> Check(bool ok, byte[] body, int k, HashSet<string> outOfStock, HashSet<string>? bought, Purchases purchases)
    {
        if (!ok)
        {
            yield return "status not 200";
            yield break;
        }

        using var doc = JsonDocument.Parse(body);
        var answer = doc.RootElement;
        if (!answer.TryGetProperty("recommendationId", out var rid) || rid.GetString() is not { Length: > 0 })
        {
            yield return "no recommendationId";
        }

        var ids = new List<string>(k);
        var withoutReasons = false;
        foreach (var item in answer.GetProperty("items").EnumerateArray())
        {
            ids.Add(item.GetProperty("itemId").GetString()!);
            withoutReasons |= item.GetProperty("reasons").GetArrayLength() == 0;
        }

        if (ids.Count != k)
        {
            yield return $"{ids.Count} items, not {k}";
        }

        if (ids.Distinct().Count() != ids.Count)
        {
            yield return "repeated item";
        }

        if (withoutReasons)
        {
            yield return "item without reasons";
        }

        if (ids.Any(outOfStock.Contains))
        {
            yield return "out-of-stock item";
        }

        if (bought is not null && ids.Any(i => bought.Contains(i) && purchases.RepurchaseRate(i) < 0.2))
        {
            yield return "purchased item";
        }
    }

    private static async Task<long> StreamIn(HttpClient http, IEnumerator<BehaviorEvent> stream, Purchases purchases, int rate, Func<bool> running, CancellationToken ct)
    {
        var sent = 0L;
        var watch = Stopwatch.StartNew();
        while (running())
        {
            var due = sent / (double)rate;
            var wait = due - watch.Elapsed.TotalSeconds;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), ct);
            }

            var batch = Take(stream, Math.Max(1, rate / 20));
            if (batch.Count == 0)
            {
                break;
            }

            await Post(http, "/v1/events", Ndjson(batch), ct);
            purchases.Add(batch);
            sent += batch.Count;
        }

        return sent;
    }

    private static List<BehaviorEvent> Take(IEnumerator<BehaviorEvent> stream, int n)
    {
        var batch = new List<BehaviorEvent>(n);
        while (batch.Count < n && stream.MoveNext())
        {
            batch.Add(stream.Current);
        }

        return batch;
    }

    private static byte[] Ndjson(List<BehaviorEvent> batch) => Core.Ingest.CanonicalJson.Array(batch, new EventTypes());

    private static async Task Post(HttpClient http, string path, byte[] body, CancellationToken ct)
    {
        while (true)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content, ct);
            if ((int)response.StatusCode == 503)
            {
                await Task.Delay(100, ct);
                continue;
            }

            response.EnsureSuccessStatusCode();
            return;
        }
    }

    private static async Task<JsonObject> Stats(HttpClient http, CancellationToken ct) =>
        JsonNode.Parse(await http.GetStringAsync(new Uri("/v1/recommendations/stats?limit=1", UriKind.Relative), ct))!.AsObject();

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Acknowledged purchases by user, and each item's repurchase rate as the service computes it.</summary>
    private sealed class Purchases
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, Dictionary<string, int>> _byUser = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (int Buyers, int Repeat)> _byItem = new(StringComparer.Ordinal);
        private readonly HashSet<string> _users = new(StringComparer.Ordinal);

        public IEnumerable<string> Users => _users;

        public void Add(List<BehaviorEvent> batch)
        {
            lock (_lock)
            {
                foreach (var e in batch)
                {
                    _users.Add(e.UserId);
                    if (e.BuiltInType != EventType.Purchase || e.ItemId is null)
                    {
                        continue;
                    }

                    if (!_byUser.TryGetValue(e.UserId, out var bought))
                    {
                        bought = new Dictionary<string, int>(StringComparer.Ordinal);
                        _byUser[e.UserId] = bought;
                    }

                    var times = bought.GetValueOrDefault(e.ItemId) + 1;
                    bought[e.ItemId] = times;
                    var (buyers, repeat) = _byItem.GetValueOrDefault(e.ItemId);
                    _byItem[e.ItemId] = times == 1 ? (buyers + 1, repeat) : times == 2 ? (buyers, repeat + 1) : (buyers, repeat);
                }
            }
        }

        public HashSet<string>? Snapshot(string user)
        {
            lock (_lock)
            {
                return _byUser.TryGetValue(user, out var bought) ? [.. bought.Keys] : null;
            }
        }

        public double RepurchaseRate(string item)
        {
            lock (_lock)
            {
                var (buyers, repeat) = _byItem.GetValueOrDefault(item);
                return repeat / (buyers + 1.0);
            }
        }
    }
}
