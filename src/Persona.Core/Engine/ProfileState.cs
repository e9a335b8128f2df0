using System.Diagnostics.CodeAnalysis;

namespace Persona.Core.Engine;

/// <summary>
/// The per-user state the engine keeps. Its size is bounded by configuration, never by the length of
/// the user's history. Mutated only by <see cref="ProfileEngine"/>; read through <see cref="Views.ProfileView"/>.
/// </summary>
/// <remarks>
/// Laid out flat for the hot path: scalars inline, and a handful of arrays of structs (interests, type slots,
/// the windowed counters' pairs of every type in one array, the recent ring, the label table), so that a new
/// profile costs six small objects and an update touches few cache lines.
/// </remarks>
public sealed class ProfileState
{
#pragma warning disable SA1401, CA1051 // struct fields, updated in place
    internal InterestEntry[] Interests = [];

    internal TypeSlot[] TypeSlots = [];

    /// <summary>(bucket, count) pairs of every counter of every type; each counter owns a segment.</summary>
    internal int[] WindowPairs = [];

    internal HourCounts HourOfDay;

    internal DayCounts DayOfWeek;

    /// <summary>Device and channel mix.</summary>
    internal CountedLabels Labels;

    internal RecentRing Recent;
#pragma warning restore SA1401, CA1051

    public ProfileState(string userId)
    {
        Reset(userId);
    }

    public string UserId { get; private set; }

    /// <summary>Log position of the last event applied (durable pipeline); 0 offline.</summary>
    public long AppliedSeq { get; set; }

    public long EventCount { get; internal set; }

    public long FirstSeenMs { get; internal set; }

    public long LastSeenMs { get; internal set; }

    // Interests: value = sum of weight * 2^((t - InterestRefMs) / halfLife(kind)).
    internal long InterestRefMs { get; set; }

    internal int InterestCount { get; set; }

    internal int TypeCount { get; set; }

    // Money and funnel.
    internal double Monetary { get; set; }

    internal long Units { get; set; }

    internal double PriceLogRatioSum { get; set; }

    internal long PriceLogRatioCount { get; set; }

    internal long RecoClicks { get; set; }

    internal long RecoPurchases { get; set; }

    internal double RatingSum { get; set; }

    internal long RatingCount { get; set; }

    // Satisfaction: decayed sums of signal values and weights, both as of SatisfactionRefMs (order-independent).
    internal double SatisfactionSum { get; set; }

    internal double SatisfactionWeight { get; set; }

    internal long SatisfactionRefMs { get; set; }

    internal long SatisfactionSignals { get; set; }

    // Sessions (order-dependent: computed in arrival order).
    internal long SessionCount { get; set; }

    internal long ClosedSessionEvents { get; set; }

    internal long ClosedSessionDurationMs { get; set; }

    internal long ClosedSessions { get; set; }

    internal long Bounces { get; set; }

    internal long CartSessions { get; set; }

    internal long AbandonedCartSessions { get; set; }

    internal string? CurrentSessionId { get; set; }

    internal long CurrentSessionStartMs { get; set; }

    internal long CurrentSessionLastMs { get; set; }

    internal int CurrentSessionEvents { get; set; }

    internal bool CurrentSessionCart { get; set; }

    internal bool CurrentSessionPurchase { get; set; }

    /// <summary>
    /// Empties the state for reuse by <paramref name="userId"/>, keeping its arrays (their contents past the
    /// counts in use are never read): a pipeline that decodes one profile at a time then allocates nothing per
    /// profile for them. The constructor starts from here too, so a new state and a reset one are the same.
    /// </summary>
    [MemberNotNull(nameof(UserId))]
    public void Reset(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        UserId = userId;
        AppliedSeq = 0;
        EventCount = 0;
        FirstSeenMs = long.MaxValue;
        LastSeenMs = long.MinValue;
        InterestRefMs = long.MinValue;
        InterestCount = 0;
        TypeCount = 0;
        HourOfDay = default;
        DayOfWeek = default;
        Labels.Clear();
        Recent.Clear();
        Monetary = 0;
        Units = 0;
        PriceLogRatioSum = 0;
        PriceLogRatioCount = 0;
        RecoClicks = 0;
        RecoPurchases = 0;
        RatingSum = 0;
        RatingCount = 0;
        SatisfactionSum = 0;
        SatisfactionWeight = 0;
        SatisfactionRefMs = 0;
        SatisfactionSignals = 0;
        SessionCount = 0;
        ClosedSessionEvents = 0;
        ClosedSessionDurationMs = 0;
        ClosedSessions = 0;
        Bounces = 0;
        CartSessions = 0;
        AbandonedCartSessions = 0;
        CurrentSessionId = null;
        CurrentSessionStartMs = 0;
        CurrentSessionLastMs = 0;
        CurrentSessionEvents = 0;
        CurrentSessionCart = false;
        CurrentSessionPurchase = false;
    }

    /// <summary>A deep copy.</summary>
    public ProfileState Clone()
    {
        var c = (ProfileState)MemberwiseClone();
        c.Interests = (InterestEntry[])Interests.Clone();
        c.TypeSlots = (TypeSlot[])TypeSlots.Clone();
        c.WindowPairs = (int[])WindowPairs.Clone();
        c.Labels = Labels.Clone();
        c.Recent = Recent.Clone();
        return c;
    }

    /// <summary>The slot index of an event type, or -1.</summary>
    internal int FindType(byte type)
    {
        var slots = TypeSlots;
        for (var i = 0; i < TypeCount; i++)
        {
            if (slots[i].Type == type)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The slot of an event type, added (with empty counters) if new.</summary>
    internal int GetOrAddType(byte type)
    {
        var i = FindType(type);
        if (i >= 0)
        {
            return i;
        }

        if (TypeCount == TypeSlots.Length)
        {
            Array.Resize(ref TypeSlots, Math.Max(1, TypeCount * 2));
        }

        i = TypeCount++;
        TypeSlots[i] = new TypeSlot { Type = type, LastMs = long.MinValue };
        Reserve(i, -1, 2);
        return i;
    }

    /// <summary>Counts one event at <paramref name="timeMs"/> in counter <paramref name="counter"/> of slot <paramref name="slot"/>.</summary>
    internal void AddToWindow(int slot, int counter, long timeMs, int count = 1)
    {
        var bucket = TypeSlot.Bucket(timeMs, counter);
        var keep = TypeSlot.Keep(counter);
        ref var seg = ref TypeSlots[slot].Counters[counter];
        var p = WindowPairs;
        var n = seg.Length;
        var at = 2 * seg.Start;
        if (n > 0)
        {
            var newestAt = at + (2 * (n - 1));
            var newest = p[newestAt];
            if (bucket == newest)
            {
                p[newestAt + 1] += count;
                return;
            }

            if (bucket <= newest - keep)
            {
                return; // older than the kept range: already expired
            }
        }

        var i = n - 1;
        while (i >= 0 && p[at + (2 * i)] > bucket)
        {
            i--;
        }

        if (i >= 0 && p[at + (2 * i)] == bucket)
        {
            p[at + (2 * i) + 1] += count;
            return;
        }

        if (n == seg.Capacity)
        {
            Reserve(slot, counter, Math.Min(keep + 1, Math.Max(2, n * 2)));
            p = WindowPairs;
            at = 2 * seg.Start;
        }

        i++;
        Array.Copy(p, at + (2 * i), p, at + (2 * (i + 1)), 2 * (n - i));
        p[at + (2 * i)] = bucket;
        p[at + (2 * i) + 1] = count;
        n++;

        // Drop the buckets the newest one pushed out of the kept range.
        var last = p[at + (2 * (n - 1))];
        var drop = 0;
        while (drop < n && p[at + (2 * drop)] <= last - keep)
        {
            drop++;
        }

        if (drop > 0)
        {
            Array.Copy(p, at + (2 * drop), p, at, 2 * (n - drop));
            n -= drop;
        }

        seg.Length = n;
    }

    /// <summary>Events in the <paramref name="buckets"/> buckets of a counter ending with the one holding <paramref name="nowMs"/>.</summary>
    internal long WindowSum(int slot, int counter, long nowMs, int buckets)
    {
        var seg = TypeSlots[slot].Counters[counter];
        var current = TypeSlot.Bucket(nowMs, counter);
        long sum = 0;
        for (var i = seg.Length - 1; i >= 0; i--)
        {
            var b = WindowPairs[2 * (seg.Start + i)];
            if (b > current)
            {
                continue;
            }

            if (b <= current - buckets)
            {
                break;
            }

            sum += WindowPairs[(2 * (seg.Start + i)) + 1];
        }

        return sum;
    }

    /// <summary>The (bucket, count) pairs of a counter, ascending.</summary>
    internal ReadOnlySpan<int> WindowPairsOf(int slot, int counter)
    {
        var seg = TypeSlots[slot].Counters[counter];
        return WindowPairs.AsSpan(2 * seg.Start, 2 * seg.Length);
    }

    /// <summary>
    /// Gives one counter (or, with <paramref name="counter"/> -1, all three of a slot) room for
    /// <paramref name="capacity"/> pairs by rebuilding the shared array with every segment packed.
    /// </summary>
    private void Reserve(int slot, int counter, int capacity)
    {
        var total = 0;
        for (var s = 0; s < TypeCount; s++)
        {
            for (var c = 0; c < 3; c++)
            {
                total += s == slot && (c == counter || counter < 0) ? capacity : TypeSlots[s].Counters[c].Capacity;
            }
        }

        var pairs = new int[2 * total];
        var next = 0;
        for (var s = 0; s < TypeCount; s++)
        {
            for (var c = 0; c < 3; c++)
            {
                ref var seg = ref TypeSlots[s].Counters[c];
                WindowPairs.AsSpan(2 * seg.Start, 2 * seg.Length).CopyTo(pairs.AsSpan(2 * next));
                seg.Start = next;
                if (s == slot && (c == counter || counter < 0))
                {
                    seg.Capacity = capacity;
                }

                next += seg.Capacity;
            }
        }

        WindowPairs = pairs;
    }
}
