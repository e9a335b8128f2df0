using System.Text.Json;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Storage.Backend;

namespace Persona.Storage.DeadLetters;

/// <summary>
/// Rejected records kept with their reasons, within a byte budget and an age limit: the oldest go first. Each
/// batch's dead letters are written in the batch's own atomic commit. Called under the store's write lock.
/// </summary>
internal sealed class DeadLetterBook
{
    /// <summary>The longest record kept as received; longer ones are cut.</summary>
    public const int MaxRecordChars = 65_536;

    private readonly IDeadLetterStore _store;
    private readonly long _budgetBytes;
    private readonly TimeSpan _maxAge;
    private readonly Queue<(long Seq, int Bytes)> _kept = new();
    private readonly List<(long Seq, int Bytes)> _pending = [];
    private long _bytes;
    private long _next;

    public DeadLetterBook(IDeadLetterStore store, long budgetBytes, TimeSpan maxAge)
    {
        _store = store;
        _budgetBytes = budgetBytes;
        _maxAge = maxAge;
    }

    public long Count => _kept.Count;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Reads the sizes of the stored dead letters (bounded by the budget).</summary>
    public void Load()
    {
        _store.Scan(newestFirst: false, (seq, value) =>
        {
            _kept.Enqueue((seq, value.Length));
            _bytes += value.Length;
            _next = seq;
            return true;
        });
    }

    /// <summary>Adds the rejected records to <paramref name="write"/>; they count once <see cref="Committed"/>.</summary>
    public void Add(StoreWrite write, IEnumerable<(RecordError Error, string Raw)> rejected, DateTimeOffset now)
    {
        foreach (var (error, raw) in rejected)
        {
            var letter = new DeadLetter(now, error.Index, error.Id, error.Errors, raw.Length <= MaxRecordChars ? raw : raw[..MaxRecordChars]);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(letter, StoreJson.Options);
            var seq = ++_next;
            write.DeadLetters.Add(new LogEntry(seq, bytes));
            _pending.Add((seq, bytes.Length));
        }
    }

    /// <summary>The commit holding the added letters succeeded (<see cref="ExpireOverBudget"/> then enforces the budget).</summary>
    public void Committed()
    {
        foreach (var letter in _pending)
        {
            _kept.Enqueue(letter);
            Interlocked.Add(ref _bytes, letter.Bytes);
        }

        _pending.Clear();
    }

    /// <summary>Deletes the oldest letters beyond the byte budget; returns how many.</summary>
    public int ExpireOverBudget() => Bytes > _budgetBytes ? Expire(DateTimeOffset.MinValue) : 0;

    /// <summary>The commit failed: the added letters were not written.</summary>
    public void Discard() => _pending.Clear();

    /// <summary>
    /// Deletes the oldest letters beyond the budget, and those received before <paramref name="now"/> minus the
    /// age limit; returns how many. The delete comes first: should it fail, the letters are still counted.
    /// </summary>
    public int Expire(DateTimeOffset now)
    {
        var cut = 0L;
        var removed = 0;
        var bytes = Bytes;
        foreach (var (seq, size) in _kept)
        {
            if (bytes <= _budgetBytes && (now == DateTimeOffset.MinValue || ReceivedAt(seq) >= now - _maxAge))
            {
                break;
            }

            bytes -= size;
            cut = seq;
            removed++;
        }

        if (cut == 0)
        {
            return 0;
        }

        _store.DeleteThrough(cut);
        for (var i = 0; i < removed; i++)
        {
            Interlocked.Add(ref _bytes, -_kept.Dequeue().Bytes);
        }

        return removed;
    }

    /// <summary>Dead letters, newest first.</summary>
    public IReadOnlyList<DeadLetter> Newest(int max)
    {
        var result = new List<DeadLetter>();
        _store.Scan(newestFirst: true, (_, value) =>
        {
            result.Add(JsonSerializer.Deserialize<DeadLetter>(value, StoreJson.Options)!);
            return result.Count < max;
        });
        return result;
    }

    private DateTimeOffset ReceivedAt(long seq)
    {
        DateTimeOffset? at = null;
        _store.Scan(newestFirst: false, (s, value) =>
        {
            if (s == seq)
            {
                at = JsonSerializer.Deserialize<DeadLetter>(value, StoreJson.Options)!.ReceivedAt;
            }

            return s < seq;
        });
        return at ?? DateTimeOffset.MaxValue;
    }
}
