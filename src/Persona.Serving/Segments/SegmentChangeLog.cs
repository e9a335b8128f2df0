namespace Persona.Serving.Segments;

/// <summary>
/// The enter/leave stream: a bounded ring of the newest changes, numbered 1, 2, ... without gaps for the
/// process's lifetime. A reader asks for the changes after the last sequence number it has seen; one that fell
/// behind the ring's oldest change is told so (<see cref="Page.Missed"/>). Waiters are woken on every append.
/// </summary>
public sealed class SegmentChangeLog(int capacity)
{
    private readonly SegmentChange?[] _ring = new SegmentChange?[Math.Max(1, capacity)];
    private readonly Lock _lock = new();
    private long _last;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The sequence number of the newest change (0 before the first).</summary>
    public long Last
    {
        get
        {
            lock (_lock)
            {
                return _last;
            }
        }
    }

    /// <summary>Appends a change and returns it with its sequence number.</summary>
    public SegmentChange Append(string segment, string userId, string change, DateTimeOffset at, long logPosition)
    {
        TaskCompletionSource fired;
        SegmentChange entry;
        lock (_lock)
        {
            entry = new SegmentChange(++_last, segment, userId, change, at, logPosition);
            _ring[(entry.Seq - 1) % _ring.Length] = entry;
            fired = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        fired.TrySetResult();
        return entry;
    }

    /// <summary>Up to <paramref name="limit"/> changes after <paramref name="after"/>, oldest first.</summary>
    public Page Read(long after, int limit)
    {
        lock (_lock)
        {
            var oldest = Math.Max(1, _last - _ring.Length + 1);
            var from = Math.Max(after + 1, oldest);
            var changes = new List<SegmentChange>();
            for (var seq = from; seq <= _last && changes.Count < limit; seq++)
            {
                changes.Add(_ring[(seq - 1) % _ring.Length]!);
            }

            var next = changes.Count > 0 ? changes[^1].Seq : Math.Max(after, from - 1);
            return new Page(changes, next, after + 1 < oldest && _last >= oldest);
        }
    }

    /// <summary>Waits until a change after <paramref name="after"/> exists, the timeout passes or <paramref name="ct"/> is cancelled.</summary>
    public async Task WaitAsync(long after, TimeSpan timeout, CancellationToken ct)
    {
        Task next;
        lock (_lock)
        {
            if (_last > after)
            {
                return;
            }

            next = _appended.Task;
        }

        try
        {
            await next.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // nothing new in time: the caller answers with an empty page
        }
    }

    /// <summary>A page of changes, the cursor to ask after next, and whether changes between the cursor asked and the page were dropped from the ring.</summary>
    public sealed record Page(IReadOnlyList<SegmentChange> Changes, long Next, bool Missed);
}
