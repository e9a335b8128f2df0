using System.Text;
using Persona.Core.Events;
using Persona.Core.Pipeline;
using Persona.Core.Serialization;
using Persona.Storage.Backend;
using Persona.Storage.Cache;

namespace Persona.Storage.Log;

/// <summary>
/// The protocol's side of the event log: log positions, records chained per user (<see cref="LogRecord"/>),
/// and reading a user's history back along the chain. Positions are handed out under the store's write lock and
/// <see cref="Position"/> moves only once a batch is durable, so a position is never used twice.
/// </summary>
internal sealed class EventLog
{
    private readonly IEventLogStore _store;

    // One buffer per partition, reused across batches (used only under the write lock).
    private readonly List<BinaryWriterBuffer> _buffers = [];
    private long _position;

    public EventLog(IEventLogStore store)
    {
        _store = store;
    }

    /// <summary>The newest durable position.</summary>
    public long Position => Interlocked.Read(ref _position);

    /// <summary>Sets the position found on open.</summary>
    public void Restore(long position) => Interlocked.Exchange(ref _position, position);

    /// <summary>Moves the position past <paramref name="count"/> records made durable.</summary>
    public void Advance(long count) => Interlocked.Add(ref _position, count);

    /// <summary>
    /// Encodes each accepted event as a record chained to its user's previous one, on every core by user:
    /// <paramref name="entries"/>[i] receives the user's cache entry (from <paramref name="entryOf"/>), its chain
    /// head moves to the event, and <paramref name="previous"/>[i] keeps the head it had (for
    /// <see cref="Rollback"/>). The records go into <paramref name="write"/>.
    /// </summary>
    public void Encode(
        IReadOnlyList<(long Seq, BehaviorEvent Event)> accepted,
        int[] partition,
        int partitions,
        Func<string, CachedProfile> entryOf,
        CachedProfile[] entries,
        long[] previous,
        StoreWrite write)
    {
        var n = accepted.Count;
        var offsets = new int[n];
        var lengths = new int[n];
        while (_buffers.Count < partitions)
        {
            _buffers.Add(new BinaryWriterBuffer(64 * 1024));
        }

        Partitions.ForEach(partitions, p =>
        {
            var buffer = _buffers[p];
            buffer.Clear();
            for (var i = 0; i < n; i++)
            {
                if (partition[i] != p)
                {
                    continue;
                }

                var (seq, e) = accepted[i];
                var entry = entryOf(e.UserId);
                offsets[i] = buffer.Length;
                previous[i] = entry.LastLoggedSeq;
                LogRecord.WriteEvent(buffer, entry.LastLoggedSeq, e);
                lengths[i] = buffer.Length - offsets[i];
                entry.LastLoggedSeq = seq;
                entries[i] = entry;
            }
        });

        for (var i = 0; i < n; i++)
        {
            write.LogRecords.Add(new LogEntry(accepted[i].Seq, _buffers[partition[i]].WrittenMemory.Slice(offsets[i], lengths[i])));
        }
    }

    /// <summary>Puts the chain heads <see cref="Encode"/> moved back where they were (the batch was not logged).</summary>
    public static void Rollback(CachedProfile[] entries, long[] previous, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            if (entries[i] is { } entry)
            {
                entry.LastLoggedSeq = previous[i];
            }
        }
    }

    /// <summary>A user's retained events from the chain head <paramref name="head"/> backwards, returned oldest first.</summary>
    public IReadOnlyList<BehaviorEvent> History(long head, int max)
    {
        var result = new List<BehaviorEvent>();
        var seq = head;
        while (seq > 0 && result.Count < max)
        {
            var bytes = _store.Read(seq);
            if (bytes is null)
            {
                break; // deleted by retention
            }

            result.Add(LogRecord.ReadEvent(bytes, out seq));
        }

        result.Reverse();
        return result;
    }

    /// <summary>Up to <paramref name="max"/> events logged after <paramref name="after"/> and at or below <paramref name="through"/>, oldest first; catalog records skipped.</summary>
    public IReadOnlyList<LoggedEvent> Read(long after, long through, int max)
    {
        var result = new List<LoggedEvent>(Math.Min(max, 1024));
        if (after >= through)
        {
            return result;
        }

        _store.Scan(after + 1, (seq, record) =>
        {
            if (seq > through)
            {
                return false;
            }

            if (LogRecord.KindOf(record, out _) == LogRecord.Kind.Event)
            {
                result.Add(new LoggedEvent(seq, LogRecord.ReadEvent(record, out _)));
            }

            return result.Count < max;
        });
        return result;
    }

    /// <summary>The id of the event logged at <paramref name="seq"/>; null when there is none (deleted, or a catalog record).</summary>
    public string? EventIdAt(long seq)
    {
        var bytes = _store.Read(seq);
        if (bytes is null || LogRecord.KindOf(bytes, out var body) != LogRecord.Kind.Event)
        {
            return null;
        }

        return Encoding.UTF8.GetString(EventCodec.ReadIdAndTime(bytes.AsSpan(body), out _));
    }
}
