using Persona.Core.Pipeline;
using Persona.Serving.Following;

namespace Persona.Serving.Segments;

/// <summary>
/// Keeps segment membership current: for each page of committed events it re-evaluates every segment once for
/// each user the page touched, on the user's current served profile. Woken by <see cref="LogSignal"/> after each
/// committed batch. Events up to <see cref="SegmentBook.StartPosition"/> are covered by the start's backfill and
/// skipped.
/// </summary>
public sealed class SegmentFollower(IProfileStore store, LogSignal signal, SegmentBook book, ILogger<SegmentFollower> logger) : LogFollower(store, signal, logger)
{
    protected override long StartPosition => book.StartPosition;

    protected override void Apply(IReadOnlyList<LoggedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (book.IsEmpty || events[^1].Seq <= book.StartPosition)
        {
            return;
        }

        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Seq > book.StartPosition && users.Add(e.Event.UserId))
            {
                book.Evaluate(e.Event.UserId);
            }
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        book.Start();
        return base.StartAsync(cancellationToken);
    }
}
