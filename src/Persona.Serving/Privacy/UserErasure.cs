using System.Diagnostics;
using Persona.Core.Pipeline;
using Persona.Serving.ModelHosting;
using Persona.Serving.Recommendations;
using Persona.Serving.Segments;

namespace Persona.Serving.Privacy;

/// <summary>
/// The right to erasure, across the serving stack. <see cref="Erase"/>: the store erases the user in one durable
/// commit (profile, user record, logged events, dead letters), and every part that keeps something of them in
/// memory drops it (segment membership, with a leave change per segment; cached predictions; the recommender's
/// recent items, purchases, answers and experiment outcomes); the user's pseudonym goes into the
/// <see cref="ErasureLedger"/>, so their logged answers are not read back and leave the impression files at the
/// next purge. <see cref="Purge"/>: the store's files are rewritten without deleted data and the impression files
/// without erased users' answers; <see cref="Maintenance.MaintenanceService"/> runs it once the oldest pending erasure is
/// <see cref="ServingOptions.ErasurePurgeWithin"/> old, and <c>POST /v1/admin/compact</c> at once.
/// </summary>
public sealed partial class UserErasure(
    IProfileStore store,
    IStoreMaintenance maintenance,
    SegmentBook segments,
    PredictionCache predictions,
    RecommendationService recommendations,
    Pseudonyms pseudonyms,
    ErasureLedger ledger,
    IErasureBroadcast broadcast,
    ServingOptions options,
    TimeProvider clock,
    ILogger<UserErasure> logger)
{
    private readonly Lock _purgeLock = new();

    /// <summary>The erasures still waiting for a purge.</summary>
    public ErasureLedger Ledger => ledger;

    /// <summary>Whether the oldest pending erasure has waited <see cref="ServingOptions.ErasurePurgeWithin"/> or longer.</summary>
    public bool PurgeDue => ledger.OldestAt is { } oldest && clock.GetUtcNow() - oldest >= options.ErasurePurgeWithin;

    /// <summary>Erases the user; <see cref="UserErasureResult.Found"/> is false when nothing was held about them (nothing changes then).</summary>
    public UserErasureResult Erase(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var stored = store.EraseUser(userId);
        var (left, answers) = ForgetHere(userId, always: stored.Found);
        var found = stored.Found || left.Count > 0 || answers > 0;
        if (found)
        {
            broadcast.Announce(userId);
        }

        Erased(logger, stored.Events, stored.DeadLetters, left.Count);
        return new UserErasureResult(found, stored.Events, stored.DeadLetters, left);
    }

    /// <summary>
    /// Drops what this node keeps of a user in memory (after the store erased them here or on another node) and
    /// enters their pseudonym in the ledger when anything was held (or <paramref name="always"/>), so that this
    /// node's impression files are purged of them. Returns the segments they left and the answers forgotten.
    /// </summary>
    public (IReadOnlyList<string> SegmentsLeft, int Answers) ForgetHere(string userId, bool always = true)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var left = segments.Forget(userId);
        predictions.Remove(userId);
        var answers = recommendations.Forget(userId);
        if (always || left.Count > 0 || answers > 0)
        {
            ledger.Add(pseudonyms.Of(userId), clock.GetUtcNow());
        }

        return (left, answers);
    }

    /// <summary>
    /// Rewrites the store's files without deleted data and the impression files without the answers of the
    /// erasures pending now; they then leave the ledger. One purge at a time.
    /// </summary>
    public PurgeResult Purge()
    {
        lock (_purgeLock)
        {
            var started = Stopwatch.GetTimestamp();
            var pending = ledger.Pending();
            maintenance.Purge();
            var answers = ImpressionLog.Purge(options.DataDirectory, pending.Keys.ToHashSet(StringComparer.Ordinal), recommendations.Log);
            ledger.Cleared(pending);
            var elapsed = Stopwatch.GetElapsedTime(started);
            Purged(logger, pending.Count, answers, (long)elapsed.TotalMilliseconds);
            return new PurgeResult(pending.Count, answers, (long)elapsed.TotalMilliseconds);
        }
    }

    [LoggerMessage(EventId = 90, Level = LogLevel.Information, Message = "A user was erased: {Events} logged events, {DeadLetters} dead letters, out of {Segments} segments")]
    private static partial void Erased(ILogger logger, long events, int deadLetters, int segments);

    [LoggerMessage(EventId = 91, Level = LogLevel.Information, Message = "Purge: storage rewritten without deleted data; {Erasures} erasures and {Answers} logged answers purged in {Milliseconds} ms")]
    private static partial void Purged(ILogger logger, int erasures, long answers, long milliseconds);
}

/// <summary>What an erasure removed: whether anything was held, the logged events and dead letters deleted, and the segments the user left.</summary>
public sealed record UserErasureResult(bool Found, long Events, int DeadLetters, IReadOnlyList<string> SegmentsLeft);

/// <summary>What a purge did: the erasures it covered, the logged answers it removed, and how long it took.</summary>
public sealed record PurgeResult(int Erasures, long Answers, long Milliseconds);
