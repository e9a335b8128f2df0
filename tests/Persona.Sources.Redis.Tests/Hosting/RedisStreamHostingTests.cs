using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Persona.Core.Pipeline;
using Persona.Server;
using Persona.Serving;
using Persona.Sources.Redis.Hosting;
using Persona.Storage.RocksDb;
using Persona.Storage.RocksDb.Hosting;

namespace Persona.Sources.Redis.Tests.Hosting;

/// <summary>The source registered in the HTTP service: events from the stream are served, lag and pending are in /metrics and /v1/sources.</summary>
[Collection(RedisServerGroup.Name)]
public sealed class RedisStreamHostingTests(RedisServerFixture redis) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("persona-stream-host-").FullName;
    private readonly string _stream = "events-" + Guid.NewGuid().ToString("N");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AddRedisStreamSource_InTheService_EventsServedAndLagInMetrics()
    {
        await redis.Db.StreamAddAsync(_stream, "events", "{\"eventId\":\"e1\",\"type\":\"view\",\"userId\":\"u1\",\"itemId\":\"i1\",\"timestamp\":\"2026-12-01T10:00:00Z\"}\n{\"eventId\":\"e2\",\"type\":\"view\",\"userId\":\"u1\",\"itemId\":\"i2\",\"timestamp\":\"2026-12-01T10:01:00Z\"}");
        var url = $"http://127.0.0.1:{FreePort()}";
        var options = new ServerOptions { Serving = new ServingOptions { DataDirectory = _dir }, Urls = url };
        var source = new RedisStreamSourceOptions { Connection = redis.Address, Stream = _stream, Consumer = "web", BlockTime = TimeSpan.FromMilliseconds(100), LagInterval = TimeSpan.FromMilliseconds(20) };
        await using var app = PersonaApp.Create(options, services => services.AddRocksDbProfileStore(new EmbeddedStoreOptions { DataDirectory = _dir }).AddRedisStreamSource(source));
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(url) };

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string metrics;
        do
        {
            await Task.Delay(20);
            metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }
        while (!(metrics.Contains($"persona_source_entries_total{{kind=\"redis-stream\",name=\"{_stream}\",group=\"persona\"}} 1\n", StringComparison.Ordinal)
                 && metrics.Contains($"persona_source_pending{{kind=\"redis-stream\",name=\"{_stream}\",group=\"persona\"}} 0\n", StringComparison.Ordinal)
                 && metrics.Contains($"persona_source_lag{{kind=\"redis-stream\",name=\"{_stream}\",group=\"persona\"}} 0\n", StringComparison.Ordinal)) // the gauges are sampled every LagInterval
               && DateTime.UtcNow < deadline);

        Assert.Contains($"persona_source_lag{{kind=\"redis-stream\",name=\"{_stream}\",group=\"persona\"}} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"persona_source_pending{{kind=\"redis-stream\",name=\"{_stream}\",group=\"persona\"}} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"persona_source_events_total{{kind=\"redis-stream\",name=\"{_stream}\",group=\"persona\"}} 2\n", metrics, StringComparison.Ordinal);
        Assert.Contains("persona_events_total{result=\"accepted\"} 2\n", metrics, StringComparison.Ordinal);
        Assert.Equal(2, app.Services.GetRequiredService<IProfileStore>().History("u1").Count);
        var sources = await client.GetStringAsync(new Uri("/v1/sources", UriKind.Relative));
        Assert.Contains($"\"name\":\"{_stream}\",\"group\":\"persona\",\"consumer\":\"web\",\"connected\":true,\"lag\":0,\"pending\":0,\"entries\":1,\"events\":2", sources, StringComparison.Ordinal);
        await app.StopAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
