using Persona.Core.Ingest;
using Persona.Storage.Backend;
using Persona.Storage.DeadLetters;

namespace Persona.Storage.Tests;

public sealed class DeadLetterBookTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    [Fact]
    public void Expire_ThousandsOfLettersPastTheAgeLimit_ReadsNoLetterAndRemovesExactlyTheExpired()
    {
        // 3,000 letters, one a minute; a week and 2,000 minutes after the first, the first 2,000 are too old.
        var store = new CountingDeadLetters();
        var book = new DeadLetterBook(store, budgetBytes: 1L << 30, MaxAge);
        Receive(book, store, 3_000);

        var removed = book.Expire(Start + MaxAge + TimeSpan.FromMinutes(2_000));

        Assert.Equal((2_000, 0L), (removed, store.Visits));
        Assert.Equal(1_000, book.Count);
        Assert.Equal(Enumerable.Range(2_001, 1_000).Select(i => (long)i), store.Letters.Keys);
    }

    [Fact]
    public void Expire_AfterLoad_ReadsEachLetterOnceOnLoadAndNoneToExpire()
    {
        var store = new CountingDeadLetters();
        Receive(new DeadLetterBook(store, budgetBytes: 1L << 30, MaxAge), store, 3_000);
        var reopened = new DeadLetterBook(store, budgetBytes: 1L << 30, MaxAge);

        reopened.Load();
        var loadVisits = store.Visits;
        var removed = reopened.Expire(Start + MaxAge + TimeSpan.FromMinutes(2_500));

        Assert.Equal((3_000L, 2_500, 3_000L), (loadVisits, removed, store.Visits));
        Assert.Equal(Enumerable.Range(2_501, 500).Select(i => (long)i), store.Letters.Keys);
    }

    [Fact]
    public void ExpireOverBudget_LettersOverTheBudget_RemovesTheOldestUntilWithinWithoutReading()
    {
        var store = new CountingDeadLetters();
        var book = new DeadLetterBook(store, budgetBytes: 1L << 30, MaxAge);
        Receive(book, store, 100);
        var size = store.Letters[1].Length; // every letter has the same length
        var tight = new DeadLetterBook(store, budgetBytes: 40L * size, MaxAge);
        tight.Load();
        var loadVisits = store.Visits;

        var removed = tight.ExpireOverBudget();

        Assert.Equal((60, loadVisits), (removed, store.Visits));
        Assert.Equal(40L * size, tight.Bytes);
    }

    /// <summary>Adds <paramref name="count"/> letters to <paramref name="book"/>, one a minute from <see cref="Start"/>, committing each.</summary>
    private static void Receive(DeadLetterBook book, CountingDeadLetters store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var write = new StoreWrite();
            var error = new RecordError(0, $"e{i:D5}", ["timestamp: too old"]);
            book.Add(write, [(error, $"{{\"eventId\":\"e{i:D5}\"}}")], Start + TimeSpan.FromMinutes(i));
            foreach (var letter in write.DeadLetters)
            {
                store.Letters.Add(letter.Seq, letter.Record.ToArray());
            }

            book.Committed();
        }
    }

    /// <summary>Dead letters in memory that count every letter a scan visits.</summary>
    private sealed class CountingDeadLetters : IDeadLetterStore
    {
        public SortedDictionary<long, byte[]> Letters { get; } = [];

        public long Visits { get; private set; }

        public void Scan(bool newestFirst, LogVisitor visitor)
        {
            foreach (var (seq, value) in newestFirst ? Letters.Reverse() : Letters)
            {
                Visits++;
                if (!visitor(seq, value))
                {
                    return;
                }
            }
        }

        public void DeleteThrough(long through)
        {
            foreach (var seq in Letters.Keys.Where(s => s <= through).ToList())
            {
                Letters.Remove(seq);
            }
        }
    }
}
