namespace Persona.Core.Engine;

/// <summary>
/// The per-user state the engine keeps. Its size is bounded by configuration, never by the length of
/// the user's history. Mutated only by <see cref="ProfileEngine"/>; read through <see cref="Views.ProfileView"/>.
/// </summary>
public sealed class ProfileState
{
    public ProfileState(string userId)
    {
        UserId = userId;
    }

    public string UserId { get; }

    /// <summary>Log position of the last event applied (durable pipeline); 0 offline.</summary>
    public long AppliedSeq { get; set; }

    public long EventCount { get; internal set; }

    public long FirstSeenMs { get; internal set; } = long.MaxValue;

    public long LastSeenMs { get; internal set; } = long.MinValue;

    // Interests: value = sum of weight * 2^((t - InterestRefMs) / halfLife(kind)).
    internal long InterestRefMs { get; set; } = long.MinValue;

    internal ulong[] InterestKeys { get; set; } = [];

    internal double[] InterestValues { get; set; } = [];

    internal int InterestCount { get; set; }

    internal List<TypeStats> Types { get; } = [];

    // Money and funnel.
    internal double Monetary { get; set; }

    internal long Units { get; set; }

    internal double PriceLogRatioSum { get; set; }

    internal long PriceLogRatioCount { get; set; }

    internal long RecoClicks { get; set; }

    internal long RecoPurchases { get; set; }

    internal double RatingSum { get; set; }

    internal long RatingCount { get; set; }

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

#pragma warning disable SA1401, CA1051 // inline arrays are fields so they are updated in place
    internal HourCounts HourOfDay;

    internal DayCounts DayOfWeek;
#pragma warning restore SA1401, CA1051

    internal CountedLabels Devices { get; set; } = new();

    internal CountedLabels Channels { get; set; } = new();

    internal RecentRing Recent { get; private set; } = new();

    /// <summary>A deep copy.</summary>
    public ProfileState Clone()
    {
        var c = new ProfileState(UserId)
        {
            AppliedSeq = AppliedSeq,
            EventCount = EventCount,
            FirstSeenMs = FirstSeenMs,
            LastSeenMs = LastSeenMs,
            InterestRefMs = InterestRefMs,
            InterestKeys = (ulong[])InterestKeys.Clone(),
            InterestValues = (double[])InterestValues.Clone(),
            InterestCount = InterestCount,
            Monetary = Monetary,
            Units = Units,
            PriceLogRatioSum = PriceLogRatioSum,
            PriceLogRatioCount = PriceLogRatioCount,
            RecoClicks = RecoClicks,
            RecoPurchases = RecoPurchases,
            RatingSum = RatingSum,
            RatingCount = RatingCount,
            SessionCount = SessionCount,
            ClosedSessionEvents = ClosedSessionEvents,
            ClosedSessionDurationMs = ClosedSessionDurationMs,
            ClosedSessions = ClosedSessions,
            Bounces = Bounces,
            CartSessions = CartSessions,
            AbandonedCartSessions = AbandonedCartSessions,
            CurrentSessionId = CurrentSessionId,
            CurrentSessionStartMs = CurrentSessionStartMs,
            CurrentSessionLastMs = CurrentSessionLastMs,
            CurrentSessionEvents = CurrentSessionEvents,
            CurrentSessionCart = CurrentSessionCart,
            CurrentSessionPurchase = CurrentSessionPurchase,
            HourOfDay = HourOfDay,
            DayOfWeek = DayOfWeek,
            Devices = Devices.Clone(),
            Channels = Channels.Clone(),
        };
        c.Types.AddRange(Types.Select(t => t.Clone()));
        c.Recent = Recent.Clone();
        return c;
    }

    internal TypeStats? FindType(byte type)
    {
        foreach (var t in Types)
        {
            if (t.Type == type)
            {
                return t;
            }
        }

        return null;
    }
}
