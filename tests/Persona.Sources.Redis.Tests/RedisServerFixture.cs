using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Persona.Sources.Redis.Tests;

/// <summary>
/// A real <c>redis-server</c> (from /usr/bin, as .ci/run installs it) on a free port of 16500-16599, without
/// persistence, in a temporary directory; stopped and removed with the fixture.
/// </summary>
public sealed class RedisServerFixture : IDisposable
{
    private const string Server = "/usr/bin/redis-server";
    private readonly Process _process;
    private readonly string _dir = Directory.CreateTempSubdirectory("persona-redis-").FullName;

    public RedisServerFixture()
    {
        Port = FreePort();
        var start = new ProcessStartInfo(Server)
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dir, "--save", string.Empty, "--appendonly", "no" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Server} did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        Connection = Connect();
    }

    public int Port { get; }

    public string Address => $"redis://127.0.0.1:{Port}";

    public ConnectionMultiplexer Connection { get; }

    public IDatabase Db => Connection.GetDatabase();

    public void Dispose()
    {
        Connection.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A port of the range that nothing listens on now (a race with another process is possible; the range is this suite's).</summary>
    private static int FreePort()
    {
        var first = 16500 + Random.Shared.Next(100);
        for (var i = 0; i < 100; i++)
        {
            var port = 16500 + ((first - 16500 + i) % 100);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: try the next one
            }
        }

        throw new InvalidOperationException("no free port in 16500-16599 for redis-server");
    }

    private ConnectionMultiplexer Connect()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var connection = ConnectionMultiplexer.Connect($"127.0.0.1:{Port}");
                connection.GetDatabase().Ping();
                return connection;
            }
            catch (RedisConnectionException) when (watch.Elapsed < TimeSpan.FromSeconds(10) && !_process.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisServerGroup : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis";
}
