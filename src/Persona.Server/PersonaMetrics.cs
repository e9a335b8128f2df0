using System.Globalization;
using System.Text;
using Persona.Core.Pipeline;
using Persona.Core.Sources;

namespace Persona.Server;

/// <summary>Service metrics in Prometheus text exposition format (no external dependency).</summary>
public sealed class PersonaMetrics(IngestWorker worker)
{
    private static readonly double[] Buckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private readonly Histogram _ingest = new();
    private readonly Histogram _update = new();
    private readonly Histogram _read = new();
    private readonly Histogram _recommend = new();
    private readonly Histogram _visible = new();
    private long _accepted;
    private long _duplicate;
    private long _rejected;
    private long _badRequests;
    private long _overloads;
    private long _unavailable;

    public void RecordIngest(IngestResult result, double seconds, double visibleSeconds)
    {
        ArgumentNullException.ThrowIfNull(result);
        Interlocked.Add(ref _accepted, result.Accepted);
        Interlocked.Add(ref _duplicate, result.Duplicate);
        Interlocked.Add(ref _rejected, result.Rejected);
        _ingest.Observe(seconds);
        if (result.Accepted > 0)
        {
            _update.Observe(seconds / result.Accepted);
            _visible.Observe(visibleSeconds);
        }
    }

    public void RecordRead(double seconds) => _read.Observe(seconds);

    public void RecordRecommendation(double seconds) => _recommend.Observe(seconds);

    public void RecordBadRequest() => Interlocked.Increment(ref _badRequests);

    public void RecordOverload() => Interlocked.Increment(ref _overloads);

    public void RecordUnavailable() => Interlocked.Increment(ref _unavailable);

    /// <summary>The metrics text; <paramref name="sources"/>: the event sources besides HTTP (given here, not injected, since a source reports its batches to the metrics).</summary>
    public string Render(StoreStats stats, StoreHealth health, long nowMs, IEnumerable<IEventSource>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(health);
        var sb = new StringBuilder();
        Counter(sb, "persona_events_total", "Event records by outcome.", [("result=\"accepted\"", Interlocked.Read(ref _accepted)), ("result=\"duplicate\"", Interlocked.Read(ref _duplicate)), ("result=\"rejected\"", Interlocked.Read(ref _rejected))]);
        Counter(sb, "persona_bad_requests_total", "Requests refused as malformed or too large.", [(string.Empty, Interlocked.Read(ref _badRequests))]);
        Counter(sb, "persona_ingest_refused_total", "Uploads refused: the ingest queue was full (503), or the store had failed (507 or 503).", [("reason=\"queue_full\"", Interlocked.Read(ref _overloads)), ("reason=\"store_unavailable\"", Interlocked.Read(ref _unavailable))]);
        Gauge(sb, "persona_store_healthy", "1 while the store accepts writes; 0 once a write failed (see persona_store_fault).", health.IsHealthy ? 1 : 0);
        if (health.Fault is { } fault)
        {
            sb.Append("# HELP persona_store_fault Why the store stopped accepting writes (restart to recover).\n# TYPE persona_store_fault gauge\n");
            sb.Append("persona_store_fault{reason=\"").Append(fault.Reason).Append("\"} 1\n");
        }

        _update.Render(sb, "persona_profile_update_seconds", "Durable append plus profile update time per event (batch time / accepted events).");
        _ingest.Render(sb, "persona_ingest_batch_seconds", "Time to make a batch durable and apply it.");
        _visible.Render(sb, "persona_event_visible_seconds", "Time from receiving a batch until its events are visible in profiles.");
        _read.Render(sb, "persona_profile_read_seconds", "Profile read time.");
        _recommend.Render(sb, "persona_recommendation_seconds", "Recommendation answer time.");
        Gauge(sb, "persona_profiles_in_memory", "Profiles held in the cache.", stats.CachedProfiles);
        Gauge(sb, "persona_profile_cache_bytes", "Bytes the profile cache holds: encoded profiles (outside the managed heap) and their entries.", stats.CachedProfileBytes);
        Gauge(sb, "persona_ingest_queue_length", "Batches waiting for the ingest thread.", worker.Queued);
        RenderSources(sb, sources);
        Gauge(sb, "persona_log_position", "Events in the durable log (last sequence number).", stats.LogPosition);
        Gauge(sb, "persona_checkpoint_position", "Log position covered by the last checkpoint.", stats.CheckpointPosition);
        Gauge(sb, "persona_dead_letters", "Rejected records kept in the dead letter store.", stats.DeadLetters);
        Gauge(sb, "persona_dead_letter_bytes", "Bytes of the dead letters kept.", stats.DeadLetterBytes);
        Gauge(sb, "persona_dedupe_index_entries", "Event ids in the deduplication index.", stats.DedupeEntries);
        Gauge(sb, "persona_dedupe_index_bytes", "Bytes of the deduplication index.", stats.DedupeBytes);
        Counter(sb, "persona_dedupe_disk_lookups_total", "Event ids looked up on disk (the index's spilled part), for late events only.", [(string.Empty, stats.DedupeDiskLookups)]);
        Counter(sb, "persona_unprofiled_events_total", "Events only counted, their users having withheld consent to profiling.", [(string.Empty, stats.UnprofiledEvents)]);
        Gauge(sb, "persona_dedupe_horizon_seconds", "How far behind the newest event time events are still accepted (deduplicated exactly); older ones are refused.", stats.DedupeFloorMs == 0 || stats.NewestEventTimeMs == 0 ? 0 : (stats.NewestEventTimeMs - stats.DedupeFloorMs) / 1000.0);
        Gauge(sb, "persona_freshness_lag_seconds", "Wall clock minus the newest event time applied.", stats.NewestEventTimeMs == 0 ? 0 : (nowMs - stats.NewestEventTimeMs) / 1000.0);
        Counter(sb, "persona_gc_collections_total", "Garbage collections of the service process, by generation.", [("generation=\"0\"", GC.CollectionCount(0)), ("generation=\"1\"", GC.CollectionCount(1)), ("generation=\"2\"", GC.CollectionCount(2))]);
        Gauge(sb, "persona_gc_pause_seconds_total", "Time the service process spent paused by garbage collections.", GC.GetTotalPauseDuration().TotalSeconds);
        Gauge(sb, "persona_gc_heap_bytes", "Managed heap size after the last collection.", GC.GetGCMemoryInfo().HeapSizeBytes);
        LastPauses(sb);
        Gauge(sb, "persona_threadpool_threads", "Thread pool threads.", ThreadPool.ThreadCount);
        Gauge(sb, "persona_threadpool_queue_length", "Work items waiting for a pool thread.", ThreadPool.PendingWorkItemCount);
        return sb.ToString();
    }

    /// <summary>The event sources besides HTTP (a Redis Stream): lag, pending entries and counters, labelled by source.</summary>
    private static void RenderSources(StringBuilder sb, IEnumerable<IEventSource>? sources)
    {
        var statuses = sources?.Select(s => s.Status).ToArray() ?? [];
        if (statuses.Length == 0)
        {
            return;
        }

        Labelled(sb, "persona_source_lag", "gauge", "Entries of the source not yet delivered to the consumer group (XINFO GROUPS lag; -1 while unknown).", statuses, s => s.Lag ?? -1);
        Labelled(sb, "persona_source_pending", "gauge", "Entries delivered to the consumer group and not yet acknowledged (in flight, or held by a dead consumer until claimed).", statuses, s => s.Pending);
        Labelled(sb, "persona_source_connected", "gauge", "1 while the source's connection works.", statuses, s => s.Connected ? 1 : 0);
        Labelled(sb, "persona_source_entries_total", "counter", "Entries read and acknowledged by this process.", statuses, s => s.Entries);
        Labelled(sb, "persona_source_events_total", "counter", "Events of those entries ingested (accepted or duplicate).", statuses, s => s.Events);
        Labelled(sb, "persona_source_dead_lettered_total", "counter", "Records of those entries dead-lettered (unreadable entries, invalid events).", statuses, s => s.DeadLettered);
        Labelled(sb, "persona_source_claimed_total", "counter", "Entries claimed from consumers that left them unacknowledged.", statuses, s => s.Claimed);
        Labelled(sb, "persona_source_retries_total", "counter", "Failed reads or ingests retried after a backoff (connection lost, store unavailable).", statuses, s => s.Retries);
    }

    private static void Labelled(StringBuilder sb, string name, string type, string help, EventSourceStatus[] statuses, Func<EventSourceStatus, long> value)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var s in statuses)
        {
            sb.Append(name).Append("{kind=\"").Append(s.Kind).Append("\",name=\"").Append(Escape(s.Name)).Append("\",group=\"").Append(Escape(s.Group)).Append("\"} ").Append(value(s)).Append('\n');
        }
    }

    private static string Escape(string label) => label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static void Counter(StringBuilder sb, string name, string help, (string Labels, long Value)[] values)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var (labels, value) in values)
        {
            sb.Append(name);
            if (labels.Length > 0)
            {
                sb.Append('{').Append(labels).Append('}');
            }

            sb.Append(' ').Append(value).Append('\n');
        }
    }

    /// <summary>The pause of the latest collection of each kind, to tell long pauses apart (the totals average them away).</summary>
    private static void LastPauses(StringBuilder sb)
    {
        const string Name = "persona_gc_last_pause_seconds";
        sb.Append("# HELP ").Append(Name).Append(" Pause of the latest collection of each kind (ephemeral, full_blocking, background).\n");
        sb.Append("# TYPE ").Append(Name).Append(" gauge\n");
        foreach (var (kind, label) in new[] { (GCKind.Ephemeral, "ephemeral"), (GCKind.FullBlocking, "full_blocking"), (GCKind.Background, "background") })
        {
            var info = GC.GetGCMemoryInfo(kind);
            if (info.Index == 0)
            {
                continue;
            }

            var pause = 0.0;
            foreach (var p in info.PauseDurations)
            {
                pause += p.TotalSeconds;
            }

            sb.Append(Name).Append("{kind=\"").Append(label).Append("\"} ").Append(pause.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void Gauge(StringBuilder sb, string name, string help, double value)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(" gauge\n");
        sb.Append(name).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private sealed class Histogram
    {
        private readonly long[] _counts = new long[Buckets.Length + 1];
        private readonly Lock _lock = new();
        private double _sum;
        private long _count;

        public void Observe(double seconds)
        {
            var i = 0;
            while (i < Buckets.Length && seconds > Buckets[i])
            {
                i++;
            }

            lock (_lock)
            {
                _counts[i]++;
                _sum += seconds;
                _count++;
            }
        }

        public void Render(StringBuilder sb, string name, string help)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(" histogram\n");
            lock (_lock)
            {
                long cumulative = 0;
                for (var i = 0; i < Buckets.Length; i++)
                {
                    cumulative += _counts[i];
                    sb.Append(name).Append("_bucket{le=\"").Append(Buckets[i].ToString(CultureInfo.InvariantCulture)).Append("\"} ").Append(cumulative).Append('\n');
                }

                cumulative += _counts[^1];
                sb.Append(name).Append("_bucket{le=\"+Inf\"} ").Append(cumulative).Append('\n');
                sb.Append(name).Append("_sum ").Append(_sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                sb.Append(name).Append("_count ").Append(_count).Append('\n');
            }
        }
    }
}
