using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Persona.Cluster.Hosting;
using Persona.Core.Pipeline;
using Persona.Server;
using Persona.Serving;

namespace Persona.Cluster.Tests;

/// <summary>A silo of a test cluster in this process: the whole Persona service over <see cref="ClusterProfileStore"/>, on a free loopback port.</summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private TestSilo(WebApplication app, string dataDir, Uri uri)
    {
        _app = app;
        _dataDir = dataDir;
        Client = new HttpClient { BaseAddress = uri };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public IProfileStore Store => _app.Services.GetRequiredService<IProfileStore>();

    public static async Task<TestSilo> StartAsync(string redis, int partitions = 4)
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-silo-" + Guid.NewGuid().ToString("N"));
        var uri = new Uri($"http://127.0.0.1:{FreePort()}");
        var options = new ServerOptions { Serving = new ServingOptions { DataDirectory = dir }, Urls = uri.ToString().TrimEnd('/') };
        var cluster = new PersonaClusterOptions { Redis = redis, Partitions = partitions, RebalanceDelay = TimeSpan.FromSeconds(1) };
        var app = PersonaApp.Create(options, services => services.AddPersonaCluster(cluster));
        await app.StartAsync();
        return new TestSilo(app, dir, uri);
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
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
