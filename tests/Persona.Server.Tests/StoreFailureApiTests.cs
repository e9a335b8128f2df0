using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Persona.Server.Apis;
using Persona.Storage.Faults;
using Persona.Storage.TestKit;

namespace Persona.Server.Tests;

/// <summary>
/// The service when its store fails or its queue is full: the answer names the cause, comes before the body is
/// read, and health tells the truth. (The real full disk, on a small filesystem, is in DiskFullTests.)
/// </summary>
public sealed class StoreFailureApiTests
{
    private static StringContent Events(string id, long t) => new($$"""[{"eventId":"{{id}}","type":"search","userId":"u","timestamp":{{t}},"text":"shoes"}]""", Encoding.UTF8, "application/json");

    [Fact]
    public async Task PostEvents_StoreFailsWithAFullDisk_507ProblemUnhealthyMetricsAndReadsStillWork()
    {
        var faults = new TestFaults().On(FaultPoint.BeforeLogCommit, n =>
        {
            if (n == 2)
            {
                throw new IOException("IO error: No space left on device: While appending to file: 000012.log: No space left on device");
            }
        });
        await using var server = await TestServer.StartAsync(faults: faults);
        var t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), Events("a", t))).StatusCode);

        var refused = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), Events("b", t));

        Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Store disk full", problem.GetProperty("title").GetString());
        Assert.Equal("disk_full", problem.GetProperty("reason").GetString());
        Assert.StartsWith("store: the store's disk is full (IO error: No space left on device", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var health = await server.Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var body = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("unhealthy", "disk_full"), (body.GetProperty("status").GetString(), body.GetProperty("reason").GetString()));

        var profile = await server.Client.GetAsync(new Uri("/v1/users/u/profile", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.Equal(1, (await profile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventCount").GetInt64());

        var metrics = await server.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("persona_store_healthy 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("persona_store_fault{reason=\"disk_full\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("persona_ingest_refused_total{reason=\"store_unavailable\"} 1\n", metrics, StringComparison.Ordinal);

        // Later uploads are refused before their bodies are read.
        Assert.Equal(507, await StatusWithoutSendingTheBody(server));
    }

    [Fact]
    public async Task PostEvents_IngestQueueFull_503BeforeTheBodyIsRead()
    {
        await using var server = await TestServer.StartAsync(maxQueuedBatches: 1);
        var worker = server.Services.GetRequiredService<IngestWorker>();
        using var gate = new ManualResetEventSlim();
        var busy = BusyWorker.Hold(worker, gate);
        var waiting = worker.TryRun(() => true)!;

        var status = await StatusWithoutSendingTheBody(server);

        Assert.Equal(503, status);
        gate.Set();
        Assert.True(await busy && await waiting);
    }

    [Fact]
    public async Task PostEvents_MoreSlowUploadsThanQueuePlaces_OtherClientsBatchesStill200WithinASecond()
    {
        await using var server = await TestServer.StartAsync(maxQueuedBatches: 4);
        var slow = new List<TcpClient>();
        try
        {
            // Sixteen uploads, four times the queue, each announcing 8 MB and sending a trickle.
            for (var i = 0; i < 16; i++)
            {
                var client = new TcpClient();
                slow.Add(client);
                await client.ConnectAsync(server.Client.BaseAddress!.Host, server.Client.BaseAddress.Port);
                var head = $"POST /v1/events HTTP/1.1\r\nHost: {server.Client.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: {8 << 20}\r\n\r\n[";
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
            }

            await Task.Delay(300);
            for (var n = 0; n < 5; n++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), Events($"fast{n}", 1_700_000_000_000 + n));
                var elapsed = Stopwatch.GetElapsedTime(started);

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(elapsed < TimeSpan.FromSeconds(1), $"batch {n} took {elapsed.TotalMilliseconds:F0} ms");
            }
        }
        finally
        {
            slow.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task PostEvents_BodySlowerThanTheDeadline_408Problem()
    {
        await using var server = await TestServer.StartAsync(bodyTimeout: TimeSpan.FromSeconds(1));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Client.BaseAddress!.Host, server.Client.BaseAddress.Port);
        var stream = client.GetStream();
        var head = $"POST /v1/events HTTP/1.1\r\nHost: {server.Client.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);

        Assert.StartsWith("HTTP/1.1 408 ", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ClaimedLengthFarAboveWhatIsSent_BufferSizedByWhatArrives()
    {
        var context = new DefaultHttpContext();
        context.Request.ContentLength = 8 * 1024 * 1024;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("[]"));

        using var body = await BodyReader.ReadAsync(context.Request, 8 * 1024 * 1024, CancellationToken.None);

        Assert.NotNull(body);
        Assert.Equal(2, body.Memory.Length);
        Assert.True(body.Capacity <= 64 * 1024, $"{body.Capacity} bytes held for a 2-byte body");
    }

    [Fact]
    public async Task ReadAsync_BodyLargerThanTheStartingBuffer_GrowsAndReadsItWhole()
    {
        var bytes = Enumerable.Range(0, 1_000_000).Select(i => (byte)i).ToArray();
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(bytes);

        using var body = await BodyReader.ReadAsync(context.Request, 8 * 1024 * 1024, CancellationToken.None);

        Assert.Equal(bytes, body!.Memory.ToArray());
    }

    /// <summary>
    /// Sends the headers of an upload that announces a megabyte, sends none of it, and returns the status the
    /// service answers with: an answer at all proves it came before the body was read.
    /// </summary>
    private static async Task<int> StatusWithoutSendingTheBody(TestServer server)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Client.BaseAddress!.Host, server.Client.BaseAddress.Port);
        var stream = client.GetStream();
        var head = $"POST /v1/events HTTP/1.1\r\nHost: {server.Client.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: {1 << 20}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, timeout.Token);
        var line = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        Assert.StartsWith("HTTP/1.1 ", line, StringComparison.Ordinal);
        return int.Parse(line.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }
}
