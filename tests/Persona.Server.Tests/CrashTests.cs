using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Core.Serialization;
using Persona.Storage.RocksDb;
using Persona.Synthetic;

namespace Persona.Server.Tests;

/// <summary>
/// Kills a real <c>persona serve</c> process with SIGKILL in the middle of ingestion, several times, and
/// restarts it; the client re-sends every batch it has no 200 for. The final profiles must equal an
/// uncrashed run over the same input: every acknowledged event reflected exactly once.
/// </summary>
public sealed class CrashTests
{
    [Fact]
    public async Task Serve_KilledDuringIngestion_RecoversExactlyOnce()
    {
        var shop = new SyntheticShop(new ShopOptions { Seed = 11, Users = 300, Items = 500, Events = 30_000, Start = DateTimeOffset.UtcNow.AddDays(-40), MeanSessionGap = TimeSpan.FromDays(2) });
        var events = shop.Events().ToList();
        var types = new EventTypes();
        var batches = events.Chunk(500).ToList();
        var dir = Path.Combine(Path.GetTempPath(), "persona-crash-" + Guid.NewGuid().ToString("N"));
        var jsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        try
        {
            var next = 0;
            var kills = 0;
            var acknowledged = 0;
            while (next < batches.Count)
            {
                var port = TestServer.FreePort();
                using var process = StartServe(dir, port, latencyOptions: kills % 2 == 1);
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
                await WaitHealthy(http, process);
                if (kills == 0)
                {
                    var items = JsonSerializer.SerializeToUtf8Bytes(shop.Catalog, jsonOptions);
                    (await http.PostAsync(new Uri("/v1/items", UriKind.Relative), new ByteArrayContent(items))).EnsureSuccessStatusCode();
                }

                // Fire batches; a timer kills the process mid-stream (except on the last run).
                var killAfterBatches = kills < 4 ? 6 + (kills * 3) : int.MaxValue;
                var sent = 0;
                var killed = false;
                while (next < batches.Count)
                {
                    if (sent++ >= killAfterBatches)
                    {
                        var inflight = http.PostAsync(new Uri("/v1/events", UriKind.Relative), new ByteArrayContent(CanonicalJson.Array(batches[next], types)));
                        await Task.Delay(kills * 2); // land the kill at different points of the request
                        process.Kill(); // SIGKILL, possibly while the batch is being written
                        killed = true;
                        kills++;
                        try
                        {
                            using var r = await inflight;
                            if (r.IsSuccessStatusCode)
                            {
                                next++; // acknowledged before the kill
                                acknowledged++;
                            }
                        }
                        catch (HttpRequestException)
                        {
                            // no answer: the batch is re-sent after restart (it may or may not be in the log)
                        }
                        catch (TaskCanceledException)
                        {
                        }

                        break;
                    }

                    using var response = await http.PostAsync(new Uri("/v1/events", UriKind.Relative), new ByteArrayContent(CanonicalJson.Array(batches[next], types)));
                    response.EnsureSuccessStatusCode();
                    next++;
                    acknowledged++;
                }

                if (!killed)
                {
                    process.Kill(); // everything is acknowledged; stop the last run the same hard way
                    await process.WaitForExitAsync();
                    break;
                }

                await process.WaitForExitAsync();
            }

            Assert.True(kills >= 4, $"expected at least 4 kills, got {kills}");
            Assert.Equal(batches.Count, acknowledged);

            // Reference: an uncrashed, in-memory run over the same input.
            var engine = new ProfileEngine(new EngineConfig());
            var catalog = new CatalogIndex();
            catalog.Upsert(shop.Catalog);
            var reference = new InMemoryProfiles(engine, catalog);
            foreach (var e in events)
            {
                reference.Apply(e);
            }

            using var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = dir }, engine);
            Assert.Equal(events.Count, store.Stats.LogPosition);
            foreach (var (user, expected) in reference.States)
            {
                var actual = store.Read(user, s => s.Clone());
                Assert.NotNull(actual);
                actual.AppliedSeq = 0;
                Assert.Equal(ProfileCodec.Serialize(expected), ProfileCodec.Serialize(actual));
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

    private static Process StartServe(string dir, int port, bool latencyOptions)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "persona.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            // Checkpoints every two batches: kills also land while a checkpoint is written in the background;
            // those of 150 profiles or more are written as table files and ingested, smaller ones through the log.
            ArgumentList = { dll, "serve", "--data-dir", dir, "--urls", $"http://127.0.0.1:{port}", "--checkpoint-every", "1000", "--checkpoint-file-min-profiles", "150" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (latencyOptions)
        {
            // Every other run with the read-latency settings: an idle-priority ingest thread, handlers on the I/O thread.
            info.ArgumentList.Add("--ingest-priority");
            info.ArgumentList.Add("Idle");
            info.ArgumentList.Add("--inline-io");
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthy(HttpClient http, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "persona serve exited during start");
            try
            {
                var health = await http.GetFromJsonAsync<JsonElement>(new Uri("/health", UriKind.Relative));
                if (health.GetProperty("status").GetString() == "healthy")
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("persona serve did not become healthy");
    }
}
