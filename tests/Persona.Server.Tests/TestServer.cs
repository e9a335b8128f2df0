using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Persona.Core.Engine;
using Persona.Server.Security;
using Persona.Serving;
using Persona.Storage.Faults;
using Persona.Storage.RocksDb;
using Persona.Storage.RocksDb.Hosting;

namespace Persona.Server.Tests;

/// <summary>A real Persona service on a free loopback port, in process, with its own data directory.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly bool _ownsData;

    private TestServer(WebApplication app, string dataDir, bool ownsData, Uri baseUri)
    {
        _app = app;
        _ownsData = ownsData;
        DataDir = dataDir;
        Client = new HttpClient { BaseAddress = baseUri };
    }

    public string DataDir { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestServer> StartAsync(long maxBodyBytes = 8 * 1024 * 1024, int maxQueuedBatches = IngestWorker.DefaultCapacity, bool inlineIo = true, IFaultInjector? faults = null, string? dataDir = null, EngineConfig? engineConfig = null, TimeProvider? clock = null, AccessOptions? access = null, TimeSpan? bodyTimeout = null)
    {
        var dir = dataDir ?? Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var uri = new Uri($"http://127.0.0.1:{FreePort()}");
        var options = new ServerOptions { Serving = new ServingOptions { DataDirectory = dir }, Urls = uri.ToString().TrimEnd('/'), MaxBodyBytes = maxBodyBytes, MaxBatchRecords = 5_000, MaxQueuedBatches = maxQueuedBatches, InlineIo = inlineIo, Access = access ?? new AccessOptions(), BodyTimeout = bodyTimeout ?? TimeSpan.FromSeconds(30) };
        var store = new EmbeddedStoreOptions { DataDirectory = dir, Faults = faults };
        var app = PersonaApp.Create(options, services => services.AddRocksDbProfileStore(store), engineConfig, clock: clock);
        await app.StartAsync();
        return new TestServer(app, dir, dataDir is null, uri);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsData)
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }
}
