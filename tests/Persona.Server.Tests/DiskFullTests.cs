using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Storage.RocksDb;
using Persona.Synthetic;
using Xunit.Abstractions;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Server.Tests;

/// <summary>
/// A real full disk: the service's data directory is on a small tmpfs, mostly taken by a ballast file. Uploads
/// go on until the disk is full; then the service must answer 507 problem+json naming the cause, report 503
/// with the reason on /health and in its metrics, and keep serving reads. Once the ballast is deleted and the
/// service restarted, the profiles must equal those of a clean run over the acknowledged events, and the rest
/// must go in as if nothing had happened. Needs root (mount), as CI has.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task PostEvents_DiskFills_507UnhealthyReadsWorkAndARestartAfterFreeingSpaceLosesNothing()
    {
        var mount = Path.Combine(Path.GetTempPath(), "persona-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mount);
        Run("mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", mount);
        try
        {
            var ballast = Path.Combine(mount, "ballast");
            using (var file = File.Create(ballast))
            {
                file.SetLength(30L << 20);
                file.Write(new byte[30 << 20]); // tmpfs allocates what is written
            }

            var dataDir = Path.Combine(mount, "data");
            var shop = new SyntheticShop(new ShopOptions { Seed = 5, Users = 2_000, Items = 1_000, Events = 400_000, Start = DateTimeOffset.UtcNow.AddDays(-6), MeanSessionGap = TimeSpan.FromHours(4) });
            var events = shop.Events().ToList();
            var batches = events.Chunk(4_000).ToList();
            var types = new EventTypes();
            var acknowledged = 0;
            await using (var server = await TestServer.StartAsync(dataDir: dataDir))
            {
                var items = JsonSerializer.SerializeToUtf8Bytes(shop.Catalog, JsonOptions);
                (await server.Client.PostAsync(new Uri("/v1/items", UriKind.Relative), new ByteArrayContent(items))).EnsureSuccessStatusCode();
                HttpResponseMessage? refused = null;
                while (acknowledged < batches.Count)
                {
                    var response = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new ByteArrayContent(CanonicalJson.Array(batches[acknowledged], types)));
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        refused = response;
                        break;
                    }

                    acknowledged++;
                }

                Assert.True(refused is not null, $"the disk never filled ({batches.Count} batches)");
                Assert.True(acknowledged > 0, "the first batch was refused");
                Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
                output.WriteLine($"refused after {acknowledged} of {batches.Count} batches ({acknowledged * 4_000:N0} events): {refused.StatusCode} {problem}");
                Assert.Equal("disk_full", problem.GetProperty("reason").GetString());
                Assert.Contains("No space left on device", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

                var health = await server.Client.GetAsync(new Uri("/health", UriKind.Relative));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
                output.WriteLine($"/health: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");
                Assert.Equal("disk_full", (await health.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());
                Assert.Contains("persona_store_fault{reason=\"disk_full\"} 1\n", await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);
                var user = batches[0][0].UserId;
                Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(new Uri($"/v1/users/{user}/profile", UriKind.Relative))).StatusCode);
            }

            File.Delete(ballast);
            var engine = new ProfileEngine(new EngineConfig());
            var sent = batches.Take(acknowledged).SelectMany(b => b).ToList();
            using (var store = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = dataDir }, engine))
            {
                AssertProfiles(store, Reference(engine, shop.Catalog, sent));
            }

            // The service takes the rest (the refused batch included) as if nothing had happened.
            await using (var restarted = await TestServer.StartAsync(dataDir: dataDir))
            {
                Assert.Equal(HttpStatusCode.OK, (await restarted.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
                foreach (var batch in batches.Skip(acknowledged).Take(3))
                {
                    var response = await restarted.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new ByteArrayContent(CanonicalJson.Array(batch, types)));
                    response.EnsureSuccessStatusCode();
                    sent.AddRange(batch);
                }
            }

            using var final = EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = dataDir }, engine);
            AssertProfiles(final, Reference(engine, shop.Catalog, sent));
        }
        finally
        {
            Run("umount", mount);
            Directory.Delete(mount);
        }
    }

    private static void Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Trim()}. This test mounts a small tmpfs, which needs root (as in CI).");
        }
    }
}
