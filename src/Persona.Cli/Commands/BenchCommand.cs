using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Core.Serialization;
using Persona.Storage;
using Persona.Storage.Encryption;
using Persona.Storage.RocksDb;
using Persona.Synthetic;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona bench</c>: replays N synthetic events over U users through (a) the pure engine and (b) the
/// embedded durable pipeline (RocksDB, fsync per batch) and prints one JSON object.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var events = new Option<long>("--events") { Description = "Events to replay", DefaultValueFactory = _ => 1_000_000 };
        var users = new Option<int>("--users") { Description = "Users in the synthetic shop", DefaultValueFactory = _ => 100_000 };
        var items = new Option<int>("--items") { Description = "Catalog items", DefaultValueFactory = _ => 20_000 };
        var batch = new Option<int>("--batch") { Description = "Events per durable write batch", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
        var json = new Option<bool>("--json") { Description = "Print only the JSON result" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory for the durable run (default: a fresh temporary one, deleted after)" };
        var engineOnly = new Option<bool>("--engine-only") { Description = "Skip the durable pipeline run" };
        var pipelineOnly = new Option<bool>("--pipeline-only") { Description = "Skip the pure engine runs" };
        var checkpointFile = CommonOptions.CheckpointFileMinProfiles();
        var repeat = new Option<int>("--repeat") { Description = "Runs of the multi-core engine measurement (the median is reported)", DefaultValueFactory = _ => 3 };
        var encrypt = new Option<bool>("--encrypt") { Description = "Encrypt the durable run's store at rest (AES-256-GCM, a fresh key), to measure what encryption costs" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Events between checkpoints of the durable run", DefaultValueFactory = _ => EmbeddedStoreOptions.DefaultCheckpointEveryEvents };
        var command = new Command("bench", "Measure engine and durable pipeline throughput, update latency and profile size") { events, users, items, batch, seed, json, dataDir, engineOnly, pipelineOnly, checkpointEvery, encrypt, checkpointFile, repeat };
        command.SetAction(r => Run(r.GetValue(events), r.GetValue(users), r.GetValue(items), r.GetValue(batch), r.GetValue(seed), r.GetValue(json), r.GetValue(dataDir), r.GetValue(engineOnly), r.GetValue(pipelineOnly), new StoreSettings(r.GetValue(checkpointEvery), r.GetValue(checkpointFile), r.GetValue(encrypt)), r.GetValue(repeat)));
        return command;
    }

    private static int Run(long eventCount, int userCount, int itemCount, int batchSize, int seed, bool jsonOnly, string? dataDir, bool engineOnly, bool pipelineOnly, StoreSettings settings, int repeat)
    {
        void Say(string s)
        {
            if (!jsonOnly)
            {
                Console.Error.WriteLine(s);
            }
        }

        var shop = new SyntheticShop(new ShopOptions { Seed = seed, Users = userCount, Items = itemCount, Events = eventCount, MeanSessionGap = TimeSpan.FromDays(20) });
        Say($"generating {eventCount:N0} events over {userCount:N0} users...");
        var genWatch = Stopwatch.StartNew();
        var stream = shop.Events().ToArray();
        Say($"generated {stream.Length:N0} events in {genWatch.Elapsed.TotalSeconds:F1} s");
        var engine = new ProfileEngine(new EngineConfig());
        var catalog = new Persona.Core.Catalog.CatalogIndex();
        catalog.Upsert(shop.Catalog);
        Dictionary<string, object> result;
        if (pipelineOnly)
        {
            result = new Dictionary<string, object> { ["events"] = stream.LongLength };
        }
        else
        {
            var single = RunSingleThread(engine, catalog, stream, userCount, Say);
            var parallel = RunOnEveryCore(engine, catalog, stream, userCount, repeat, Say);
            result = EngineFields(stream.LongLength, single, parallel);
        }

        // (b) the durable pipeline: log append (fsync per batch) + dedupe + apply + checkpoints.
        var pipeline = engineOnly && !pipelineOnly ? new PipelineRun(0, 1, 0, 0) : RunPipeline(shop, engine, stream, batchSize, dataDir, settings);
        Say($"pipeline: {pipeline.Accepted / pipeline.Seconds:N0} events/s");
        AddPipelineFields(result, pipeline, batchSize, settings);
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>(a) The pure engine on one thread: applies every event to its user's state, timing each update.</summary>
    private static EngineRun RunSingleThread(ProfileEngine engine, Persona.Core.Catalog.CatalogIndex catalog, BehaviorEvent[] stream, int userCount, Action<string> say)
    {
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var states = new Dictionary<string, ProfileState>(userCount, StringComparer.Ordinal);
        var latencies = new long[stream.Length];
        var allocated0 = GC.GetAllocatedBytesForCurrentThread();
        var gcs0 = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var pause0 = GC.GetTotalPauseDuration();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < stream.Length; i++)
        {
            var e = stream[i];
            var t0 = Stopwatch.GetTimestamp();
            if (!states.TryGetValue(e.UserId, out var state))
            {
                state = new ProfileState(e.UserId);
                states[e.UserId] = state;
            }

            engine.Apply(state, e, catalog);
            latencies[i] = Stopwatch.GetTimestamp() - t0;
        }

        var seconds = watch.Elapsed.TotalSeconds;
        var allocPerEvent = (GC.GetAllocatedBytesForCurrentThread() - allocated0) / (double)Math.Max(1, stream.Length);
        var gcPause = (GC.GetTotalPauseDuration() - pause0).TotalSeconds;
        say($"engine: {allocPerEvent:F1} bytes allocated per event; GCs gen0/1/2: {GC.CollectionCount(0) - gcs0.Item1}/{GC.CollectionCount(1) - gcs0.Item2}/{GC.CollectionCount(2) - gcs0.Item3}");
        Array.Sort(latencies);
        var sizes = states.Values.Select(s => ProfileCodec.Serialize(s).Length).Order().ToArray();
        var heapPerProfile = (GC.GetTotalMemory(forceFullCollection: true) - heapBefore) / (double)Math.Max(1, states.Count);
        GC.KeepAlive(states);
        say($"engine: {heapPerProfile:F0} bytes of heap per profile in memory");
        say($"engine (1 thread): {stream.Length / seconds:N0} events/s, {states.Count:N0} profiles");
        // The profiles become garbage on return: the next run starts from an empty heap of profiles, as this one did.
        return new EngineRun(seconds, allocPerEvent, gcPause, latencies, sizes, states.Count, heapPerProfile);
    }

    /// <summary>
    /// (a') The same engine on every core: users are independent, so the stream is split by user (as the cluster
    /// routes it) into one partition per core, each applied in order on its own thread. Repeated (each run from
    /// empty profiles) because single runs on shared cores vary by ±20 %: the median counts. One untimed run over
    /// the first 10 % of the stream first, so that the timed runs see optimised code rather than just-in-time
    /// compilation (the durable run has its own warm-up).
    /// </summary>
    private static (double[] Rates, double Seconds, double GcShare) RunOnEveryCore(ProfileEngine engine, Persona.Core.Catalog.CatalogIndex catalog, BehaviorEvent[] stream, int userCount, int repeat, Action<string> say)
    {
        RunPartitioned(engine, catalog, stream[..(stream.Length / 10)], userCount / 10);
        var runs = Enumerable.Range(0, Math.Max(1, repeat)).Select(_ => RunPartitioned(engine, catalog, stream, userCount)).ToList();
        var rates = runs.Select(x => stream.Length / x.Seconds).Order().ToArray();
        var (seconds, gcShare) = runs.OrderBy(x => x.Seconds).ElementAt(runs.Count / 2);
        say($"engine ({Environment.ProcessorCount} threads): {stream.Length / seconds:N0} events/s (median of {runs.Count}: {string.Join(", ", rates.Select(r => r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}), GC pauses {gcShare:P0} of the time");
        return (rates, seconds, gcShare);
    }

    private static Dictionary<string, object> EngineFields(long events, EngineRun single, (double[] Rates, double Seconds, double GcShare) parallel)
    {
        double Us(double q) => single.Latencies.Length == 0 ? 0 : single.Latencies[(int)Math.Min(single.Latencies.Length - 1, q * single.Latencies.Length)] * 1e6 / Stopwatch.Frequency;
        var sizes = single.Sizes;
        return new Dictionary<string, object>
        {
            ["events"] = events,
            ["users"] = single.Profiles,
            ["engine_events_per_sec"] = Math.Round(events / parallel.Seconds),
            ["engine_events_per_sec_runs"] = parallel.Rates.Select(r => Math.Round(r)).ToArray(),
            ["engine_events_per_sec_1_thread"] = Math.Round(events / single.Seconds),
            ["engine_threads"] = Environment.ProcessorCount,
            ["update_p50_us"] = Math.Round(Us(0.50), 3),
            ["update_p99_us"] = Math.Round(Us(0.99), 3),
            ["update_p999_us"] = Math.Round(Us(0.999), 3),
            ["engine_alloc_bytes_per_event"] = Math.Round(single.AllocPerEvent, 1),
            ["engine_gc_pause_share"] = Math.Round(parallel.GcShare, 3),
            ["engine_gc_pause_share_1_thread"] = Math.Round(single.GcPauseSeconds / single.Seconds, 3),
            ["engine_heap_bytes_per_profile"] = Math.Round(single.HeapPerProfile),
            ["bytes_per_profile"] = Math.Round(sizes.Average(), 1),
            ["bytes_per_profile_p50"] = sizes[sizes.Length / 2],
            ["bytes_per_profile_p99"] = sizes[(int)(sizes.Length * 0.99)],
            ["gc_server"] = System.Runtime.GCSettings.IsServerGC,
            ["gc_gen0size"] = Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? "default",
            ["gc_dynamic_adaptation"] = Environment.GetEnvironmentVariable("DOTNET_GCDynamicAdaptationMode") ?? AppContext.GetData("System.GC.DynamicAdaptationMode")?.ToString() ?? "default",
        };
    }

    private static void AddPipelineFields(Dictionary<string, object> result, PipelineRun run, int batchSize, StoreSettings settings)
    {
        result["pipeline_events_per_sec"] = Math.Round(run.Accepted / run.Seconds);
        result["pipeline_cpu_us_per_event"] = Math.Round(run.CpuSeconds * 1e6 / Math.Max(1, run.Accepted), 2);
        result["pipeline_batch"] = batchSize;
        result["pipeline_checkpoint_every"] = settings.CheckpointEvery;
        result["pipeline_checkpoint_file_min_profiles"] = settings.CheckpointFileMinProfiles;
        result["pipeline_encrypted"] = settings.Encrypt;
        result["pipeline_final_checkpoint_seconds"] = Math.Round(run.FinalCheckpointSeconds, 3);
        result["pipeline_fsync"] = true;
        result["cores"] = Environment.ProcessorCount;
    }

    private static (double Seconds, double GcPauseShare) RunPartitioned(ProfileEngine engine, Persona.Core.Catalog.CatalogIndex catalog, BehaviorEvent[] stream, int userCount)
    {
        var partitions = Environment.ProcessorCount;
        var parts = Enumerable.Range(0, partitions).Select(_ => new List<BehaviorEvent>(stream.Length / partitions + 1)).ToArray();
        foreach (var e in stream)
        {
            parts[(int)(ProfileEngine.Tiebreak(e.UserId) % (ulong)partitions)].Add(e);
        }

        GC.Collect();
        var pause0 = GC.GetTotalPauseDuration();
        var watch = Stopwatch.StartNew();
        Parallel.For(0, partitions, new ParallelOptions { MaxDegreeOfParallelism = partitions }, p =>
        {
            // Each partition goes through the engine in batches (ApplyBatch), as a consumer of a stream
            // partition takes it: the batch's state lookups are made first, then the batch is applied.
            const int Batch = 64;
            var states = new Dictionary<string, ProfileState>(userCount / partitions, StringComparer.Ordinal);
            var part = CollectionsMarshal.AsSpan(parts[p]);
            var batchStates = new ProfileState[Batch];
            for (var start = 0; start < part.Length; start += Batch)
            {
                var batch = part.Slice(start, Math.Min(Batch, part.Length - start));
                for (var i = 0; i < batch.Length; i++)
                {
                    var userId = batch[i].UserId;
                    if (!states.TryGetValue(userId, out var state))
                    {
                        state = new ProfileState(userId);
                        states[userId] = state;
                    }

                    batchStates[i] = state;
                }

                engine.ApplyBatch(batchStates.AsSpan(0, batch.Length), batch, catalog);
            }
        });
        var seconds = watch.Elapsed.TotalSeconds;
        var share = (GC.GetTotalPauseDuration() - pause0).TotalSeconds / seconds;
        return (seconds, share);
    }

    /// <summary>
    /// Runs the store's code paths before the measurement, into a throwaway store, so that the measured run
    /// sees optimised code rather than just-in-time compilation (a long-running server pays that once).
    /// </summary>
    private static void WarmUp(SyntheticShop shop, ProfileEngine engine, BehaviorEvent[] stream, StoreSettings settings)
    {
        const int Events = 60 * 2_048;
        var dir = Path.Combine(Path.GetTempPath(), "persona-bench-warmup-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var store = OpenStore(dir, shop, engine, settings with { CheckpointEvery = Math.Min(settings.CheckpointEvery, Events / 4), CheckpointFileMinProfiles = Math.Min(settings.CheckpointFileMinProfiles, Events / 8) });
            Replay(store, stream.AsSpan(0, Math.Min(Events, stream.Length)), 2_048);
            store.Checkpoint();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static PipelineRun RunPipeline(SyntheticShop shop, ProfileEngine engine, BehaviorEvent[] stream, int batchSize, string? dataDir, StoreSettings settings)
    {
        WarmUp(shop, engine, stream, settings);
        var dir = dataDir ?? Path.Combine(Path.GetTempPath(), "persona-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var store = OpenStore(dir, shop, engine, settings);
            GC.Collect();
            var cpu0 = Environment.CpuUsage.TotalTime;
            var watch = Stopwatch.StartNew();
            var accepted = Replay(store, stream, batchSize);
            var checkpointStart = watch.Elapsed;
            store.Checkpoint();
            return new PipelineRun(accepted, watch.Elapsed.TotalSeconds, (Environment.CpuUsage.TotalTime - cpu0).TotalSeconds, (watch.Elapsed - checkpointStart).TotalSeconds);
        }
        finally
        {
            if (dataDir is null)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static DurableProfileStore OpenStore(string dir, SyntheticShop shop, ProfileEngine engine, StoreSettings settings)
    {
        var store = EmbeddedProfileStore.Open(
            new EmbeddedStoreOptions
            {
                DataDirectory = dir,
                CheckpointEveryEvents = settings.CheckpointEvery,
                CheckpointFileMinProfiles = settings.CheckpointFileMinProfiles,
                Encryption = settings.Encrypt ? StoreKeyRing.Parse(StoreKeyRing.NewEntry(1), "a fresh key") : null,
            },
            engine);
        store.UpsertItems(new ParsedBatch<Persona.Core.Catalog.CatalogItem>([.. shop.Catalog.Select((c, i) => (i, c))], [], []));
        return store;
    }

    /// <summary>Ingests <paramref name="events"/> in batches of <paramref name="batchSize"/>; returns the accepted count.</summary>
    private static long Replay(DurableProfileStore store, ReadOnlySpan<BehaviorEvent> events, int batchSize)
    {
        long accepted = 0;
        for (var start = 0; start < events.Length; start += batchSize)
        {
            var n = Math.Min(batchSize, events.Length - start);
            var slice = new (int, BehaviorEvent)[n];
            for (var j = 0; j < n; j++)
            {
                slice[j] = (j, events[start + j]);
            }

            accepted += store.Ingest(new ParsedBatch<BehaviorEvent>(slice, [], [])).Accepted;
        }

        return accepted;
    }

    /// <summary>Checkpoint settings of the durable run.</summary>
    private sealed record StoreSettings(int CheckpointEvery, int CheckpointFileMinProfiles, bool Encrypt);

    /// <summary>The single-thread engine run: seconds, allocation per event, collection pauses, sorted update latencies (ticks), sorted profile sizes, profiles and heap per profile.</summary>
    private sealed record EngineRun(double Seconds, double AllocPerEvent, double GcPauseSeconds, long[] Latencies, int[] Sizes, int Profiles, double HeapPerProfile);

    /// <summary>One durable run: events accepted, wall and CPU seconds, and the wall seconds of its final checkpoint.</summary>
    private sealed record PipelineRun(long Accepted, double Seconds, double CpuSeconds, double FinalCheckpointSeconds);
}
