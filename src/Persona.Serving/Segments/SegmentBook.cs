using System.Text.Json;
using Persona.Core.Pipeline;
using Persona.Core.Segments;
using Persona.Serving.Profiles;

namespace Persona.Serving.Segments;

/// <summary>
/// The named segments, their members, and the enter/leave stream. Definitions are persisted in the definition store
/// (<see cref="SegmentFile"/> in the data directory by default; in a cluster a store every silo shares, followed by
/// <see cref="Sync"/>) and reloaded at start; membership is kept in memory and rebuilt at start by a
/// backfill over every user. A user's membership is re-evaluated on their served profile (predictions included,
/// as <c>GET /v1/users/{id}/profile</c> serves it) after each event (<see cref="SegmentFollower"/>), and for every
/// user when a rule is put (the backfill, off the request thread). Evaluations are serialised one user at a time,
/// so a later reading of a profile is never overwritten by an earlier one.
/// </summary>
public sealed partial class SegmentBook : IDisposable
{
    private readonly IProfileStore _store;
    private readonly ProfileViews _views;
    private readonly TimeProvider _clock;
    private readonly ILogger<SegmentBook> _logger;
    private readonly ISegmentDefinitionStore _definitions;
    private readonly int _maxSegments;
    private readonly Lock _lock = new();
    private readonly Lock _evaluating = new();
    private readonly Lock _saving = new();
    private readonly Dictionary<string, Segment> _segments = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _backfills = [];

    public SegmentBook(IProfileStore store, ProfileViews views, TimeProvider clock, ServingOptions options, ISegmentDefinitionStore definitions, ILogger<SegmentBook> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _views = views;
        _clock = clock;
        _logger = logger;
        _maxSegments = options.MaxSegments;
        ArgumentNullException.ThrowIfNull(definitions);
        _definitions = definitions;
        Changes = new SegmentChangeLog(options.SegmentChangeCapacity);
        foreach (var d in _definitions.Load())
        {
            SegmentRule rule;
            try
            {
                rule = SegmentRule.Parse(d.Rule);
            }
            catch (SegmentRuleException ex)
            {
                throw new InvalidDataException($"{_definitions.Where}: segment '{d.Name}': {ex.Message}", ex);
            }

            _segments[d.Name] = new Segment(d, rule, new SortedSet<string>(StringComparer.Ordinal));
        }
    }

    /// <summary>The enter/leave stream.</summary>
    public SegmentChangeLog Changes { get; }

    /// <summary>Identifies this process's change stream: sequence numbers restart at 1 under a new epoch.</summary>
    public string Epoch { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The log position up to which the start's backfill covers every user (followed events after it).</summary>
    public long StartPosition { get; private set; }

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return _segments.Count == 0;
            }
        }
    }

    /// <summary>Starts the backfill of the segments loaded from the data directory (once, at service start).</summary>
    public void Start()
    {
        StartPosition = _store.LogPosition;
        List<Segment> loaded;
        lock (_lock)
        {
            loaded = [.. _segments.Values];
        }

        if (loaded.Count > 0)
        {
            StartBackfill(loaded);
        }
    }

    public IReadOnlyList<SegmentInfo> List()
    {
        lock (_lock)
        {
            return [.. _segments.Values.OrderBy(s => s.Definition.Name, StringComparer.Ordinal).Select(Info)];
        }
    }

    public SegmentInfo? Get(string name)
    {
        lock (_lock)
        {
            return _segments.TryGetValue(name, out var s) ? Info(s) : null;
        }
    }

    /// <summary>
    /// Creates or replaces a segment and starts its backfill; returns whether it was created. A replaced segment
    /// keeps its members until the backfill has re-evaluated them under the new rule (leaves and enters follow).
    /// Throws <see cref="InvalidOperationException"/> when the segment limit is reached.
    /// </summary>
    public (bool Created, SegmentInfo Info) Put(string name, SegmentRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        Segment segment;
        bool created;
        lock (_saving)
        {
            lock (_lock)
            {
                var now = _clock.GetUtcNow();
                created = !_segments.TryGetValue(name, out var old);
                if (created && _segments.Count >= _maxSegments)
                {
                    throw new InvalidOperationException($"name: at most {_maxSegments} segments; delete one first");
                }

                var members = old is null ? new SortedSet<string>(StringComparer.Ordinal) : new SortedSet<string>(old.Members, StringComparer.Ordinal);
                segment = new Segment(new SegmentDefinition(name, rule.Text, old?.Definition.CreatedAt ?? now, now), rule, members);
                if (old is not null)
                {
                    old.Retired = true;
                }

                _segments[name] = segment;
            }

            _definitions.Put(segment.Definition, Definitions());
        }

        StartBackfill([segment]);
        lock (_lock)
        {
            return (created, Info(segment));
        }
    }

    /// <summary>Removes a segment; false when there is none of that name. Its members get no leave changes.</summary>
    public bool Delete(string name)
    {
        lock (_saving)
        {
            lock (_lock)
            {
                if (!_segments.Remove(name, out var old))
                {
                    return false;
                }

                old.Retired = true;
            }

            _definitions.Delete(name, Definitions());
            return true;
        }
    }

    /// <summary>
    /// Takes an erased user out of every segment now: each segment they were in gets a leave change, so that
    /// consumers of the stream (audiences kept elsewhere) drop them too. Returns those segments' names.
    /// </summary>
    public IReadOnlyList<string> Forget(string userId)
    {
        lock (_evaluating)
        {
            var at = _clock.GetUtcNow();
            var position = _store.LogPosition;
            var left = new List<string>();
            lock (_lock)
            {
                foreach (var s in _segments.Values)
                {
                    if (s.Members.Remove(userId))
                    {
                        left.Add(s.Definition.Name);
                        Changes.Append(s.Definition.Name, userId, SegmentChange.Leave, at, position);
                    }
                }
            }

            return left;
        }
    }

    /// <summary>The segments the user is a member of, in ordinal order.</summary>
    public IReadOnlyList<string> SegmentsOf(string userId)
    {
        lock (_lock)
        {
            return [.. _segments.Values.Where(s => s.Members.Contains(userId)).Select(s => s.Definition.Name).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Up to <paramref name="limit"/> members after <paramref name="cursor"/> (ordinal order), or null for an unknown segment.</summary>
    public MembersPage? Members(string name, string? cursor, int limit)
    {
        lock (_lock)
        {
            if (!_segments.TryGetValue(name, out var s))
            {
                return null;
            }

            var set = s.Members;
            IEnumerable<string> after = set;
            if (cursor is not null)
            {
                after = set.Count == 0 || string.CompareOrdinal(cursor, set.Max) >= 0
                    ? []
                    : set.GetViewBetween(cursor, set.Max!).Where(m => m != cursor);
            }

            var page = after.Take(limit + 1).ToList();
            var more = page.Count > limit;
            if (more)
            {
                page.RemoveAt(page.Count - 1);
            }

            return new MembersPage(name, set.Count, page, more ? page[^1] : null);
        }
    }

    /// <summary>Every member of a segment in ordinal order, or null for an unknown segment.</summary>
    public IReadOnlyList<string>? AllMembers(string name)
    {
        lock (_lock)
        {
            return _segments.TryGetValue(name, out var s) ? [.. s.Members] : null;
        }
    }

    /// <summary>Re-evaluates every segment for the user's current served profile (the follower calls it once per user per page of events).</summary>
    public void Evaluate(string userId)
    {
        List<Segment> segments;
        lock (_lock)
        {
            if (_segments.Count == 0)
            {
                return;
            }

            segments = [.. _segments.Values];
        }

        Evaluate(userId, segments);
    }

    /// <summary>Waits for the backfills started so far (tests; shutdown).</summary>
    public Task BackfillsDone()
    {
        lock (_backfills)
        {
            return Task.WhenAll(_backfills);
        }
    }

    /// <summary>
    /// Takes the definitions saved by other processes sharing the store (silos of a cluster): a segment defined or
    /// changed elsewhere is put here and backfilled, one deleted elsewhere is removed. Returns the segments changed.
    /// A definition whose rule no longer parses is logged and left out.
    /// </summary>
    public int Sync()
    {
        var saved = _definitions.Load().ToDictionary(d => d.Name, StringComparer.Ordinal);
        var changed = new List<Segment>();
        var removed = 0;
        lock (_saving)
        {
            lock (_lock)
            {
                foreach (var d in saved.Values)
                {
                    if (_segments.TryGetValue(d.Name, out var old) && old.Definition == d)
                    {
                        continue;
                    }

                    SegmentRule rule;
                    try
                    {
                        rule = SegmentRule.Parse(d.Rule);
                    }
                    catch (SegmentRuleException ex)
                    {
                        SyncSkipped(_logger, d.Name, ex.Message);
                        continue;
                    }

                    var members = old is null ? new SortedSet<string>(StringComparer.Ordinal) : new SortedSet<string>(old.Members, StringComparer.Ordinal);
                    if (old is not null)
                    {
                        old.Retired = true;
                    }

                    var segment = new Segment(d, rule, members);
                    _segments[d.Name] = segment;
                    changed.Add(segment);
                }

                foreach (var name in _segments.Keys.Where(n => !saved.ContainsKey(n)).ToList())
                {
                    _segments.Remove(name, out var gone);
                    gone!.Retired = true;
                    removed++;
                }
            }
        }

        if (changed.Count > 0)
        {
            StartBackfill(changed);
        }

        return changed.Count + removed;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            BackfillsDone().Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // a backfill that failed has logged why
        }

        _stopping.Dispose();
    }

    private void Evaluate(string userId, List<Segment> segments)
    {
        lock (_evaluating)
        {
            var served = _views.Read(userId);
            JsonElement? profile = served is null ? null : _views.ToJson(served.View);
            Span<bool> matches = segments.Count <= 256 ? stackalloc bool[segments.Count] : new bool[segments.Count];
            for (var i = 0; i < segments.Count; i++)
            {
                matches[i] = profile is { } p && segments[i].Rule.Matches(p);
            }

            var at = _clock.GetUtcNow();
            var position = served?.Position ?? 0;
            lock (_lock)
            {
                for (var i = 0; i < segments.Count; i++)
                {
                    var s = segments[i];
                    if (s.Retired)
                    {
                        continue;
                    }

                    if (matches[i] ? s.Members.Add(userId) : s.Members.Remove(userId))
                    {
                        Changes.Append(s.Definition.Name, userId, matches[i] ? SegmentChange.Enter : SegmentChange.Leave, at, position);
                    }
                }
            }
        }
    }

    private void StartBackfill(List<Segment> segments)
    {
        var task = Task.Run(() => Backfill(segments), CancellationToken.None);
        lock (_backfills)
        {
            _backfills.RemoveAll(t => t.IsCompleted);
            _backfills.Add(task);
        }
    }

    private void Backfill(List<Segment> segments)
    {
        var names = string.Join(", ", segments.Select(s => s.Definition.Name));
        try
        {
            var users = new List<string>();
            _store.VisitUsers(users.Add); // collected first: profiles are read outside the store's visit
            users.Sort(StringComparer.Ordinal);
            foreach (var user in users)
            {
                _stopping.Token.ThrowIfCancellationRequested();
                segments.RemoveAll(s => s.Retired);
                if (segments.Count == 0)
                {
                    return; // replaced or deleted meanwhile: the newer definition has its own backfill
                }

                Evaluate(user, segments);
            }

            lock (_lock)
            {
                foreach (var s in segments)
                {
                    s.BackfillComplete = true;
                }
            }

            BackfillFinished(_logger, names, users.Count);
        }
        catch (OperationCanceledException)
        {
            // the service is stopping
        }
        catch (Exception ex)
        {
            BackfillFailed(_logger, names, ex);
        }
    }

    private List<SegmentDefinition> Definitions()
    {
        lock (_lock)
        {
            return [.. _segments.Values.Select(s => s.Definition).OrderBy(d => d.Name, StringComparer.Ordinal)];
        }
    }

    private static SegmentInfo Info(Segment s) =>
        new(s.Definition.Name, s.Definition.Rule, s.Members.Count, s.BackfillComplete, s.Definition.CreatedAt, s.Definition.UpdatedAt);

    [LoggerMessage(EventId = 70, Level = LogLevel.Information, Message = "Segment backfill of {Segments} complete over {Users} users")]
    private static partial void BackfillFinished(ILogger logger, string segments, int users);

    [LoggerMessage(EventId = 72, Level = LogLevel.Warning, Message = "Segment '{Segment}' saved by another process was not taken: {Reason}")]
    private static partial void SyncSkipped(ILogger logger, string segment, string reason);

    [LoggerMessage(EventId = 71, Level = LogLevel.Error, Message = "Segment backfill of {Segments} failed; members follow events only")]
    private static partial void BackfillFailed(ILogger logger, string segments, Exception exception);

    /// <summary>One definition in force: its compiled rule and members (guarded by the book's lock). Replacing or deleting it retires the object.</summary>
    private sealed class Segment(SegmentDefinition definition, SegmentRule rule, SortedSet<string> members)
    {
        public SegmentDefinition Definition { get; } = definition;

        public SegmentRule Rule { get; } = rule;

        public SortedSet<string> Members { get; } = members;

        public bool BackfillComplete { get; set; }

        public volatile bool Retired;
    }
}
