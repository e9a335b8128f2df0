using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Persona.TestData;

/// <summary>
/// A real <c>redis-server</c> (<c>/usr/bin/redis-server</c>, or <c>PERSONA_REDIS_SERVER</c>) of a test's own, on a free
/// port of 127.0.0.1, its append-only file in a fresh temporary directory, fsynced on every write; deleted on
/// dispose. Ports come from <c>PERSONA_TEST_REDIS_PORTS</c> (<c>LOW-HIGH</c>) when set, else from the system.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string[] _extra;
    private Process? _process;

    private RedisServer(string directory, int port, string[] extra)
    {
        Directory = directory;
        Port = port;
        _extra = extra;
    }

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The server's address as a client configuration string.</summary>
    public string Endpoint => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The append-only file Redis appends to now (Redis 7: <c>appendonlydir/*.incr.aof</c>).</summary>
    public string IncrementalAof => System.IO.Directory.GetFiles(Path.Combine(Directory, "appendonlydir"), "*.incr.aof").Single();

    /// <summary>Every key in the server, sorted.</summary>
    public List<string> Keys(StackExchange.Redis.IConnectionMultiplexer connection) =>
        [.. connection.GetServer(Endpoint).Keys(pattern: "*").Select(k => (string)k!).Order(StringComparer.Ordinal)];

    /// <summary>Starts a server with <paramref name="extra"/> arguments added to the durable defaults.</summary>
    public static RedisServer Start(params string[] extra)
    {
        var directory = Path.Combine(Path.GetTempPath(), "persona-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        for (var attempt = 0; ; attempt++)
        {
            var server = new RedisServer(directory, FreePort(), extra);
            try
            {
                server.Launch();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                // Another process took the port between the probe and the start: try another.
                server.Kill();
            }
        }
    }

    /// <summary>The power goes: SIGKILL, no shutdown work.</summary>
    public void Kill()
    {
        if (_process is { } process)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            process.WaitForExit();
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Starts the server again on the same directory and port, with <paramref name="extra"/> arguments added.</summary>
    public void Restart(params string[] extra)
    {
        Kill();
        Launch(extra);
    }

    public void Dispose()
    {
        Kill();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        if (Environment.GetEnvironmentVariable("PERSONA_TEST_REDIS_PORTS") is { Length: > 0 } range)
        {
            var bounds = range.Split('-');
            var (low, high) = (int.Parse(bounds[0], CultureInfo.InvariantCulture), int.Parse(bounds[1], CultureInfo.InvariantCulture));
            var start = Random.Shared.Next(low, high + 1);
            for (var k = 0; k <= high - low; k++)
            {
                var port = low + ((start - low + k) % (high - low + 1));
                if (IsFree(port))
                {
                    return port;
                }
            }

            throw new InvalidOperationException($"no free port in {range}");
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Launch(params string[] extra)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("PERSONA_REDIS_SERVER") ?? "/usr/bin/redis-server")
        {
            UseShellExecute = false, // with --logfile it writes nothing to its output
        };
        foreach (var arg in (string[])[
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory,
            "--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", "no", "--save", "", "--daemonize", "no",
            "--logfile", Path.Combine(Directory, "redis.log"), .. _extra, .. extra])
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        var watch = Stopwatch.StartNew();
        while (!Answers())
        {
            if (_process.HasExited || watch.Elapsed > StartTimeout)
            {
                var log = Path.Combine(Directory, "redis.log");
                throw new InvalidOperationException($"redis-server on port {Port} did not answer: {(File.Exists(log) ? File.ReadAllText(log) : "no log")}");
            }

            Thread.Sleep(2);
        }
    }

    /// <summary>True once the server answers PING (and has loaded its data: a loading server answers an error).</summary>
    private bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var n = stream.Read(buffer);
            return n >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
