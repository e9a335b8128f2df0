using System.Text.Json;
using Persona.Core.Ingest;
using Persona.Core.Pipeline;
using Persona.Storage.Backend;

namespace Persona.Storage.DeadLetters;

/// <summary>
/// Rejected records kept with their reasons, within a byte budget and an age limit: the oldest go first. Each
/// batch's dead letters are written in the batch's own atomic commit. Called under the store's write lock, so
/// expiry reads nothing: each kept letter's position, size and time received are held in memory (24 bytes a
/// letter, read once on open), and expiring n letters costs n steps and one range delete.
/// </summary>
internal sealed class DeadLetterBook
{
    /// <summary>The longest record kept as received; longer ones are cut.</summary>
    public const int MaxRecordChars = 65_536;

    private readonly IDeadLetterStore _store;
    private readonly long _budgetBytes;
    private readonly TimeSpan _maxAge;
    private readonly Queue<Kept> _kept = new();
    private readonly List<Kept> _pending = [];
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

    /// <summary>Reads the sizes and times received of the stored dead letters (bounded by the budget).</summary>
    public void Load()
    {
        var previous = long.MinValue;
        _store.Scan(newestFirst: false, (seq, value) =>
        {
            previous = ReceivedAtMs(value) ?? previous; // letters are appended in the order received
            _kept.Enqueue(new Kept(seq, value.Length, previous));
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
            _pending.Add(new Kept(seq, bytes.Length, now.ToUnixTimeMilliseconds()));
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
        var oldestKeptMs = now == DateTimeOffset.MinValue ? long.MinValue : (now - _maxAge).ToUnixTimeMilliseconds();
        foreach (var (seq, size, receivedAtMs) in _kept)
        {
            if (bytes <= _budgetBytes && receivedAtMs >= oldestKeptMs)
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

    /// <summary>
    /// The positions of the stored letters that mention <paramref name="id"/> as a whole token of the record as
    /// received (a JSON string, a CSV field), or as their id: an erased user's rejected records. Reads every
    /// letter (bounded by the budget).
    /// </summary>
    public List<long> Mentioning(string id)
    {
        var found = new List<long>();
        _store.Scan(newestFirst: false, (seq, value) =>
        {
            var letter = JsonSerializer.Deserialize<DeadLetter>(value, StoreJson.Options);
            if (letter is not null && (letter.Id == id || ContainsToken(letter.Record, id)))
            {
                found.Add(seq);
            }

            return true;
        });
        return found;
    }

    /// <summary>Whether <paramref name="token"/> occurs in <paramref name="text"/> with no letter, digit, '-' or '_' right before or after it.</summary>
    internal static bool ContainsToken(string text, string token)
    {
        if (token.Length == 0)
        {
            return false;
        }

        for (var at = text.IndexOf(token, StringComparison.Ordinal); at >= 0; at = text.IndexOf(token, at + 1, StringComparison.Ordinal))
        {
            var end = at + token.Length;
            if ((at == 0 || !IsWordChar(text[at - 1])) && (end == text.Length || !IsWordChar(text[end])))
            {
                return true;
            }
        }

        return false;

        static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_';
    }

    /// <summary>The letters at <paramref name="seqs"/> were deleted (by a commit that succeeded): they no longer count.</summary>
    public void Removed(IReadOnlyCollection<long> seqs)
    {
        if (seqs.Count == 0)
        {
            return;
        }

        var gone = seqs.ToHashSet();
        var kept = _kept.Where(k => !gone.Contains(k.Seq)).ToList();
        Interlocked.Add(ref _bytes, -_kept.Where(k => gone.Contains(k.Seq)).Sum(k => (long)k.Bytes));
        _kept.Clear();
        foreach (var k in kept)
        {
            _kept.Enqueue(k);
        }
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

    /// <summary>The time a stored letter was received (its top-level <c>receivedAt</c>), read without decoding the rest; null when it has none.</summary>
    private static long? ReceivedAtMs(ReadOnlySpan<byte> letter)
    {
        var reader = new Utf8JsonReader(letter);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("receivedAt"u8))
            {
                return reader.Read() && reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var at) ? at.ToUnixTimeMilliseconds() : null;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
            {
                reader.Skip();
            }
        }

        return null;
    }

    /// <summary>A kept letter: its position, its size in bytes and when it was received (Unix ms).</summary>
    private readonly record struct Kept(long Seq, int Bytes, long ReceivedAtMs);
}
