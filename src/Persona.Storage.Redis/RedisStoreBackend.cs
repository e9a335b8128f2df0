using System.Globalization;
using Persona.Core.Pipeline;
using Persona.Storage.Backend;
using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>
/// The store protocol's backend on Redis: one store under one key prefix (docs/CLUSTER.md, "The Redis store"). A
/// commit is one Lua script, atomic in Redis and written to its append-only file as one MULTI/EXEC; durability
/// is the server's (<c>appendfsync always</c>: a write is fsynced before Redis answers it). A writer takes an epoch
/// when it opens, and Redis refuses every write of an older epoch (<see cref="RedisStoreFencedException"/>); a
/// read-only backend (<see cref="OpenReadOnly"/>) takes none and cannot write.
/// </summary>
public sealed class RedisStoreBackend : IStoreBackend
{
    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly IDatabase _db;
    private readonly RedisKeys _keys;
    private readonly FencedWriter _writer;
    private bool _disposed;

    private RedisStoreBackend(RedisStoreOptions options, IConnectionMultiplexer? connection, bool writable)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var configuration = RedisConfiguration.Parse(options.Configuration);
        _ownsConnection = connection is null;
        if (connection is null)
        {
            configuration.AbortOnConnectFail = false;
            configuration.AllowAdmin |= options.RequireAppendFsyncAlways || options.RequireAofWithoutRdbPreamble; // CONFIG GET, to check the server at open
            connection = ConnectionMultiplexer.Connect(configuration);
        }

        _connection = connection;
        try
        {
            _db = connection.GetDatabase(configuration.DefaultDatabase ?? -1);
            _keys = new RedisKeys(options.KeyPrefix);
            Where = $"redis {string.Join(",", configuration.EndPoints.Select(EndPointText))} {_keys.Tag}";
            if (writable && options.RequireAppendFsyncAlways)
            {
                CheckDurability();
            }

            if (writable && options.RequireAofWithoutRdbPreamble)
            {
                CheckPurgeable();
            }

            long? epoch = writable ? _db.StringIncrement(_keys.Epoch) : null;
            _writer = new FencedWriter(_db, _keys, epoch, Where);
            Log = new RedisEventLog(_db, _keys, _writer);
            Profiles = new RedisProfileSnapshots(_db, _keys, _writer);
            Records = new RedisRecords(_db, _keys);
            DeadLetters = new RedisDeadLetters(_db, _keys, _writer);
            Meta = new RedisMeta(_db, _keys);
            EventIds = new RedisEventIds(_db, _keys, _writer);
        }
        catch
        {
            if (_ownsConnection)
            {
                connection.Dispose();
            }

            throw;
        }
    }

    public IEventLogStore Log { get; }

    public IProfileSnapshotStore Profiles { get; }

    public IRecordStore Records { get; }

    public IDeadLetterStore DeadLetters { get; }

    public IMetaStore Meta { get; }

    public IEventIdStore EventIds { get; }

    /// <summary>The store in words, for messages: <c>redis HOST:PORT {prefix}</c>.</summary>
    public string Where { get; }

    /// <summary>The writer epoch this backend holds; null when read-only.</summary>
    public long? Epoch => _writer.Epoch;

    /// <summary>
    /// Opens the store as its writer: takes the next epoch, which fences off every earlier writer. Uses
    /// <paramref name="connection"/> when given (left open on dispose; made with <c>allowAdmin=true</c> unless
    /// <see cref="RedisStoreOptions.RequireAppendFsyncAlways"/> is off); otherwise connects and owns the connection.
    /// </summary>
    public static RedisStoreBackend Open(RedisStoreOptions options, IConnectionMultiplexer? connection = null) => new(options, connection, writable: true);

    /// <summary>Opens the store to read it only (following another process's log): takes no epoch, and every write throws.</summary>
    public static RedisStoreBackend OpenReadOnly(RedisStoreOptions options, IConnectionMultiplexer? connection = null) => new(options, connection, writable: false);

    /// <summary>
    /// Runs the commit script. <paramref name="durable"/> changes nothing: under <c>appendfsync always</c> Redis
    /// fsyncs every write before it answers, so each commit is durable when this returns.
    /// </summary>
    public void Commit(StoreWrite write, bool durable)
    {
        ArgumentNullException.ThrowIfNull(write);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var args = new List<RedisValue>(6 + (2 * (write.LogRecords.Count + write.DeadLetters.Count)) + (3 * (write.Items.Count + write.Users.Count + write.Meta.Count)))
        {
            write.LogRecords.Count,
            write.DeadLetters.Count,
            write.Items.Count,
            write.Users.Count,
            write.Meta.Count,
            write.DeletedLogRecords.Count,
            write.DeletedDeadLetters.Count,
            write.DeletedProfiles.Count,
        };
        var previous = 0L;
        foreach (var (seq, record) in write.LogRecords)
        {
            if (seq <= previous)
            {
                throw new ArgumentException($"log positions of a commit must ascend: {seq} after {previous}", nameof(write));
            }

            previous = seq;
            args.Add(StreamIds.Of(seq));
            args.Add(record);
        }

        foreach (var (seq, letter) in write.DeadLetters)
        {
            args.Add(seq);
            args.Add(StreamIds.Member(seq, letter.Span));
        }

        AddKeyed(args, write.Items);
        AddKeyed(args, write.Users);
        AddKeyed(args, write.Meta);
        foreach (var seq in write.DeletedLogRecords)
        {
            args.Add(StreamIds.Of(seq));
        }

        foreach (var seq in write.DeletedDeadLetters)
        {
            args.Add(seq);
        }

        foreach (var user in write.DeletedProfiles)
        {
            args.Add(user);
        }

        _writer.Run(RedisScripts.Commit, [_keys.Epoch, _keys.Log, _keys.DeadLetters, _keys.Items, _keys.Users, _keys.Meta, _keys.Profiles], [.. args]);
    }

    /// <summary>
    /// Nothing to wait for: every write this backend made returned only once Redis had answered it, and under
    /// <c>appendfsync always</c> Redis answers a write once it is fsynced.
    /// </summary>
    public void Sync() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>
    /// Rewrites the append-only file (<c>BGREWRITEAOF</c>) and waits for the rewrite to finish: Redis then deletes
    /// the old files, whose history still held every deleted entry. Redis holds deleted stream entries nowhere
    /// else on disk once the rewrite is done, provided the rewrite writes commands (<c>aof-use-rdb-preamble no</c>):
    /// an RDB preamble copies a stream's nodes as they are in memory, where an entry deleted from a node that
    /// still holds others keeps its bytes. docs/SECURITY.md says what to configure.
    /// </summary>
    public void Purge()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var deadline = DateTime.UtcNow + PurgeTimeout;
        while (true)
        {
            try
            {
                _db.Execute("BGREWRITEAOF");
                break;
            }
            catch (RedisServerException ex) when (ex.Message.Contains("in progress", StringComparison.OrdinalIgnoreCase) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100); // another rewrite or a snapshot runs: one started after this call is needed
            }
        }

        while (RewriteRunning())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the append-only file rewrite of {Where} did not finish within {PurgeTimeout.TotalSeconds:0} s");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>How long <see cref="Purge"/> waits for Redis to rewrite its append-only file.</summary>
    private static readonly TimeSpan PurgeTimeout = TimeSpan.FromMinutes(10);

    private bool RewriteRunning()
    {
        var info = (string)_db.Execute("INFO", "persistence")!;
        return info.Contains("aof_rewrite_in_progress:1", StringComparison.Ordinal) || info.Contains("aof_rewrite_scheduled:1", StringComparison.Ordinal);
    }

    /// <summary>
    /// A write refused by the epoch check is superseded; out of memory (<c>OOM</c>) and a failing disk
    /// (<c>MISCONF</c>, append-only file write errors) are a full disk; anything else a failed write.
    /// </summary>
    public StoreFaultKind Classify(Exception failure)
    {
        for (var ex = failure; ex is not null; ex = ex.InnerException)
        {
            if (ex is RedisStoreFencedException)
            {
                return StoreFaultKind.Superseded;
            }

            var message = ex.Message;
            if (message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                || (ex is RedisServerException && (message.StartsWith("OOM", StringComparison.Ordinal) || message.StartsWith("MISCONF", StringComparison.Ordinal) || message.Contains("append only file", StringComparison.OrdinalIgnoreCase))))
            {
                return StoreFaultKind.DiskFull;
            }
        }

        return StoreFaultKind.WriteFailed;
    }

    /// <summary>Closes the connection when this backend opened it; Redis holds everything already.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
    }

    private static void AddKeyed(List<RedisValue> args, List<KeyedValue> values)
    {
        foreach (var (key, value) in values)
        {
            args.Add(value is null ? "d" : "p");
            args.Add(key);
            args.Add(value is { } v ? v : RedisValue.EmptyString);
        }
    }

    private static string EndPointText(System.Net.EndPoint endPoint) => endPoint switch
    {
        System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port.ToString(CultureInfo.InvariantCulture)}",
        _ => endPoint.ToString() ?? "?",
    };

    /// <summary>Refuses a server whose acknowledged writes could be lost with its machine's power.</summary>
    private void CheckDurability()
    {
        var appendOnly = Config("appendonly");
        var fsync = Config("appendfsync");
        if (appendOnly != "yes" || fsync != "always")
        {
            throw new InvalidOperationException(
                $"the Redis server of {Where} runs with appendonly {appendOnly} and appendfsync {fsync}: acknowledged writes could be lost; "
                + "start it with --appendonly yes --appendfsync always (or set RequireAppendFsyncAlways to false where durability is assured otherwise)");
        }
    }

    /// <summary>
    /// Refuses a server that writes an RDB preamble into its append-only file: an RDB image copies a stream's nodes as
    /// they are in memory, where an entry deleted from a node that still holds others keeps its bytes, so an erased
    /// user's events would come back to disk at every rewrite, a purge's included.
    /// </summary>
    private void CheckPurgeable()
    {
        var preamble = Config("aof-use-rdb-preamble");
        if (preamble != "no")
        {
            throw new InvalidOperationException(
                $"the Redis server of {Where} runs with aof-use-rdb-preamble {preamble}: its append-only file rewrites would keep the bytes of erased users' events; "
                + "start it with --aof-use-rdb-preamble no (or set RequireAofWithoutRdbPreamble to false where erasure from disk is not needed)");
        }
    }

    private string Config(string name)
    {
        try
        {
            var reply = (RedisResult[])_db.Execute("CONFIG", "GET", name)!;
            return reply.Length == 2 ? (string)reply[1]! : "(unset)";
        }
        catch (Exception ex) when (ex is RedisCommandException or RedisServerException)
        {
            throw new InvalidOperationException(
                $"cannot check the durability settings of {Where} ({ex.Message}): pass a connection made with allowAdmin=true, "
                + "or set RequireAppendFsyncAlways to false where the server is known to run with appendfsync always",
                ex);
        }
    }
}
