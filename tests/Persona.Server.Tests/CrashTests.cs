using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Storage.RocksDb;
using Persona.Synthetic;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Server.Tests;

/// <summary>
/// Kills a real <c>persona serve</c> process with SIGKILL again and again while a client streams events, catalog
/// changes and preference events into it, and restarts it; the client re-sends everything it has no 200 for, cut
/// into different batches each run. Kills land by timer in the middle of requests, and by fault injection at
/// named points: inside a checkpoint (between its profiles and its record), before a batch's log write, and after
/// it but before the answer. The final profiles must equal an uncrashed run over the same input (every
/// acknowledged event reflected exactly once, each applied with the catalog of its time) and every user's
/// history must be exactly that user's events.
/// </summary>
public sealed class CrashTests
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The runs before the last: each is killed by fault injection at a named point, or by the test after some
    /// requests. One run takes no checkpoint, so that its kill leaves a catalog change with events on both sides
    /// to replay. The runs after these go to the end.
    /// </summary>
    private static readonly Run[] Runs =
    [
        new(null, KillAfter: 5),
        new("CheckpointProfilesWritten:kill@2"),
        new("BeforeLogCommit:kill@4"),
        new(null, KillAfter: 25, CheckpointEvery: 10_000_000),
        new("AfterLogCommit:kill@3"),
        new("CheckpointCopy:kill@1"), // the first checkpoint of the run: on a loaded machine a run may finish its share before a second one
        new(null, KillAfter: 9),
    ];

    [Fact]
    public async Task Serve_KilledAgainAndAgainWithCatalogChangesAndResentBatches_RecoversExactlyOnce()
    {
        var shop = new SyntheticShop(new ShopOptions { Seed = 11, Users = 300, Items = 500, Events = 36_000, Start = DateTimeOffset.UtcNow.AddDays(-8), MeanSessionGap = TimeSpan.FromHours(7) });
        var operations = Operations(shop);
        var types = new EventTypes();
        var dir = Path.Combine(Path.GetTempPath(), "persona-crash-" + Guid.NewGuid().ToString("N"));
        var stderr = new ConcurrentQueue<string>();
        try
        {
            var next = 0; // the first operation not acknowledged
            var offset = 0; // events of that operation already acknowledged
            var run = 0;
            var kills = 0;
            while (next < operations.Count)
            {
                var plan = run < Runs.Length ? Runs[run] : new Run(null);
                var port = TestServer.FreePort();
                using var process = StartServe(dir, port, plan, normalPriority: run % 2 == 1, stderr);
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };
                if (!await WaitHealthy(http, process))
                {
                    kills++; // the injected fault killed it while recovering (a checkpoint at open)
                    run++;
                    continue;
                }

                // Batches of a different size each run, so that what is re-sent is cut and mixed differently.
                var batchSize = 300 + (run * 137 % 400);
                var killAfter = plan.KillAfter;
                var sent = 0;
                var died = false;
                while (next < operations.Count && !died)
                {
                    var (path, body, count) = Request(operations[next], offset, batchSize, types);
                    var request = http.PostAsync(new Uri(path, UriKind.Relative), new ByteArrayContent(body));
                    if (sent++ == killAfter)
                    {
                        await Task.Delay(run * 3); // land the kill at different points of the request
                        process.Kill();
                    }

                    try
                    {
                        using var response = await request;
                        response.EnsureSuccessStatusCode();
                        (next, offset) = Advance(operations, next, offset, count);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        // No answer: the process died. What this request carried may or may not be in the log.
                        died = true;
                    }
                }

                if (!died)
                {
                    process.Kill(); // everything is acknowledged; stop the last run the same hard way
                }

                await process.WaitForExitAsync();
                Assert.Equal(137, process.ExitCode); // SIGKILL, by the test or by the injected fault
                kills++;
                run++;
            }

            Assert.True(kills >= Runs.Length, $"expected at least {Runs.Length} kills, got {kills}");
            foreach (var point in Runs.Select(r => r.Fault).OfType<string>().Select(f => f[..f.IndexOf(':', StringComparison.Ordinal)]))
            {
                Assert.Contains(stderr, line => line.StartsWith($"persona: fault injected: kill at {point} ", StringComparison.Ordinal));
            }

            // Reference: an uncrashed, in-memory run over the same operations.
            var engine = new ProfileEngine(new EngineConfig());
            var expected = Reference(engine, shop.Catalog, operations.Select(o => o.Items is { } items ? (object)items : o.Events!));
            using var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = dir }, engine);
            AssertProfiles(store, expected);
            var events = operations.Where(o => o.Events is not null).SelectMany(o => o.Events!).ToList();
            foreach (var user in expected.Keys)
            {
                Assert.Equal(events.Where(e => e.UserId == user).Select(e => e.EventId), store.History(user).Select(e => e.EventId));
            }
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>
    /// The client's stream: the catalog, then the events in order, with a catalog change every 5,000 events (a
    /// hundred items moved to another category at another price, and new items that later events use) and a
    /// preference event, naming a category and a brand no item has, every 2,000.
    /// </summary>
    private static List<Operation> Operations(SyntheticShop shop)
    {
        var events = shop.Events().ToList();
        var operations = new List<Operation> { new(null, [.. shop.Catalog]) };
        var pending = new List<BehaviorEvent>();
        var changes = 0;
        var added = new List<CatalogItem>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (added.Count > 0 && i % 7 == 0)
            {
                e = e with { ItemId = added[i % added.Count].ItemId };
            }

            pending.Add(e);
            if (i % 2_000 == 1_999)
            {
                pending.Add(new BehaviorEvent
                {
                    EventId = $"pref-{i}",
                    Type = (byte)EventType.Preference,
                    UserId = e.UserId,
                    TimestampMs = e.TimestampMs,
                    Context = new() { Values = new Dictionary<string, string> { ["category"] = $"Declared/Topic {i / 2_000}", ["brand"] = $"Declared Brand {i / 2_000}" } },
                });
            }

            if (i % 5_000 == 4_999)
            {
                changes++;
                operations.Add(new([.. pending], null));
                pending.Clear();
                var moved = shop.Catalog.Skip(changes * 100).Take(100).Select(item => item with { CategoryPath = ["Moved", $"Shelf {changes}"], Price = (item.Price ?? 1) * 1.5 });
                added = [.. Enumerable.Range(0, 20).Select(k => new CatalogItem { ItemId = $"new-{changes}-{k}", CategoryPath = ["New", $"Range {changes}"], Brand = "Newco", Price = 5 + k })];
                operations.Add(new(null, [.. moved, .. added]));
            }
        }

        operations.Add(new([.. pending], null));
        return operations;
    }

    /// <summary>The request for the operation at <paramref name="offset"/>: up to <paramref name="batchSize"/> of its events, or its items.</summary>
    private static (string Path, byte[] Body, int Count) Request(Operation operation, int offset, int batchSize, EventTypes types)
    {
        if (operation.Items is { } items)
        {
            return ("/v1/items", JsonSerializer.SerializeToUtf8Bytes(items, JsonOptions), items.Count);
        }

        var events = operation.Events!.Skip(offset).Take(batchSize).ToList();
        return ("/v1/events", CanonicalJson.Array(events, types), events.Count);
    }

    private static (int Next, int Offset) Advance(List<Operation> operations, int next, int offset, int count)
    {
        var operation = operations[next];
        if (operation.Items is not null || offset + count >= operation.Events!.Count)
        {
            return (next + 1, 0);
        }

        return (next, offset + count);
    }

    private static Process StartServe(string dir, int port, Run plan, bool normalPriority, ConcurrentQueue<string> stderr)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "persona.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            // Checkpoints every two batches: kills also land while a checkpoint is written in the background;
            // those of 150 profiles or more are written as table files and ingested, smaller ones through the log.
            ArgumentList = { dll, "serve", "--data-dir", dir, "--urls", $"http://127.0.0.1:{port}", "--checkpoint-every", plan.CheckpointEvery.ToString(System.Globalization.CultureInfo.InvariantCulture), "--checkpoint-file-min-profiles", "150" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (plan.Fault is not null)
        {
            info.Environment["PERSONA_FAULTS"] = plan.Fault;
        }

        if (normalPriority)
        {
            // Every other run with the ingest thread at normal priority (the default is background priority).
            info.ArgumentList.Add("--ingest-priority");
            info.ArgumentList.Add("Normal");
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits until the service answers healthy; false when it died first (an injected fault).</summary>
    private static async Task<bool> WaitHealthy(HttpClient http, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                Assert.Equal(137, process.ExitCode);
                return false;
            }

            try
            {
                var health = await http.GetFromJsonAsync<JsonElement>(new Uri("/health", UriKind.Relative));
                if (health.GetProperty("status").GetString() == "healthy")
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("persona serve did not become healthy");
    }

    /// <summary>One run of the service: the fault it dies of (PERSONA_FAULTS), or the request after which the test kills it, and its checkpoint interval.</summary>
    private sealed record Run(string? Fault, int KillAfter = int.MaxValue, int CheckpointEvery = 1_000);

    /// <summary>One step of the client's stream: events, or a catalog change.</summary>
    private sealed record Operation(List<BehaviorEvent>? Events, List<CatalogItem>? Items);
}
