using System.Globalization;
using Persona.Serving.Hosting;

namespace Persona.Serving.Privacy;

/// <summary>
/// Erasures whose traces outside the store (answers in the impression files) still wait for a purge: each erased
/// user's pseudonym and when they were erased, in <c>erasures.pending</c> in the data directory (one
/// <c>PSEUDONYM TAB UNIX-MS</c> line each, synced as written), so that a restart neither forgets a pending purge
/// nor reads an erased user's answers back. Holds pseudonyms only, never ids. Safe for concurrent use.
/// </summary>
public sealed class ErasureLedger
{
    /// <summary>The ledger's file in a data directory.</summary>
    public const string FileName = "erasures.pending";

    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _pending = new(StringComparer.Ordinal);

    public ErasureLedger(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, FileName);
        if (!File.Exists(_path))
        {
            return;
        }

        foreach (var line in File.ReadLines(_path))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0 && long.TryParse(line.AsSpan(tab + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var at))
            {
                _pending[line[..tab]] = Math.Max(at, _pending.GetValueOrDefault(line[..tab], long.MinValue));
            }
        }
    }

    /// <summary>How many erasures wait for a purge.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>When the oldest erasure waiting for a purge was made; null when none waits.</summary>
    public DateTimeOffset? OldestAt
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(_pending.Values.Min());
            }
        }
    }

    /// <summary>Records an erasure, durably, before it returns.</summary>
    public void Add(string pseudonym, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(pseudonym);
        var ms = at.ToUnixTimeMilliseconds();
        lock (_lock)
        {
            using (var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                stream.Write(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{pseudonym}\t{ms}\n")));
                stream.Flush(flushToDisk: true);
            }

            _pending[pseudonym] = ms;
        }
    }

    /// <summary>The pending erasures: pseudonym → when erased (Unix ms).</summary>
    public IReadOnlyDictionary<string, long> Pending()
    {
        lock (_lock)
        {
            return new Dictionary<string, long>(_pending, StringComparer.Ordinal);
        }
    }

    /// <summary>Whether something the user named <paramref name="pseudonym"/> was given at <paramref name="atMs"/> was erased since.</summary>
    public bool Erases(string pseudonym, long atMs)
    {
        lock (_lock)
        {
            return _pending.TryGetValue(pseudonym, out var erasedAt) && atMs <= erasedAt;
        }
    }

    /// <summary>A purge covered <paramref name="purged"/> (as <see cref="Pending"/> gave them): they leave the ledger, unless erased again since.</summary>
    public void Cleared(IReadOnlyDictionary<string, long> purged)
    {
        ArgumentNullException.ThrowIfNull(purged);
        lock (_lock)
        {
            foreach (var (pseudonym, at) in purged)
            {
                if (_pending.TryGetValue(pseudonym, out var now) && now == at)
                {
                    _pending.Remove(pseudonym);
                }
            }

            DurableFile.Replace(_path, stream =>
            {
                foreach (var (pseudonym, at) in _pending)
                {
                    stream.Write(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{pseudonym}\t{at}\n")));
                }
            });
        }
    }
}
