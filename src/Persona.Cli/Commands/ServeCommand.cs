using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Persona.Cluster;
using Persona.Cluster.Hosting;
using Persona.Core.Engine;
using Persona.Recommend.Ranking;
using Persona.Server;
using Persona.Server.Security;
using Persona.Serving;
using Persona.Storage.Faults;
using Persona.Storage.RocksDb;
using Persona.Storage.RocksDb.Hosting;

namespace Persona.Cli.Commands;

/// <summary><c>persona serve</c>: the HTTP service on the embedded store, or a silo of a cluster over Redis.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var store = new StoreOptionSet();
        var cluster = new ClusterOptionSet();
        var stream = new StreamOptionSet();
        var urls = new Option<string>("--urls") { Description = "Listen address", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body", DefaultValueFactory = _ => 8L * 1024 * 1024 };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most records per batch", DefaultValueFactory = _ => 10_000 };
        var ingestPriority = new Option<IngestPriority>("--ingest-priority") { Description = "CPU priority of the ingest thread: Background (reads take its core at once; normal priority whenever uploads have waited 20 ms) or Normal", DefaultValueFactory = _ => IngestPriority.Background };
        var maxQueued = new Option<int>("--max-queued-batches") { Description = "Uploads waiting for the ingest thread at most; more get 503 with Retry-After", DefaultValueFactory = _ => IngestWorker.DefaultCapacity };
        var youngCollection = new Option<long>("--young-collection-mb") { Description = "MiB the process allocates between the young collections the ingest thread makes at batch boundaries (0 leaves them to the runtime)", DefaultValueFactory = _ => ServerOptions.DefaultYoungCollectionBytes >> 20 };
        var models = new Option<string?>("--models") { Description = "Model registry to serve from (default: models in the data directory; persona models list|add|promote|rollback)" };
        var modelPoll = new Option<double>("--model-poll-seconds") { Description = "How often the registry is checked for a promoted or rolled-back model", DefaultValueFactory = _ => 2 };
        var insecure = new Option<bool>("--insecure-no-auth") { Description = "Serve without API keys beyond loopback (otherwise a service bound beyond loopback needs a key: persona keys add)" };
        var rateLimits = new Option<string?>("--rate-limits") { Description = "Requests per second per key and scope, over the defaults: ingest=500,read=5000,analytics=50,privacy=20,admin=20 (0: no limit)" };
        var privacyBudget = new Option<double>("--privacy-budget") { Description = "ε each key may spend per UTC day on differentially private aggregates (?epsilon=)", DefaultValueFactory = _ => 10 };
        var blend = new Option<string?>("--blend") { Description = "Recommendation blend weights to serve (JSON, as persona evaluate --model service writes beside its report; default: the heuristic blend)" };
        var command = new Command("serve", "Run the HTTP service on the embedded store, or as a silo of a cluster over Redis (--cluster); --redis-stream also consumes a Redis Stream") { urls, maxBody, maxBatch, ingestPriority, maxQueued, youngCollection, models, modelPoll, blend, insecure, rateLimits, privacyBudget };
        store.AddTo(command);
        cluster.AddTo(command);
        stream.AddTo(command);
        command.SetAction(async (r, ct) =>
        {
            var storeOptions = store.Build(r) with { Faults = FaultsFromEnvironment.Read() };
            var options = new ServerOptions
            {
                Serving = new ServingOptions
                {
                    DataDirectory = storeOptions.DataDirectory,
                    ModelsDirectory = r.GetValue(models),
                    ModelPollInterval = TimeSpan.FromSeconds(r.GetValue(modelPoll)),
                    Recommendations = new() { Blend = r.GetValue(blend) is { } blendFile ? BlendFile.Read(blendFile) : BlendWeights.Heuristic },
                },
                Urls = r.GetValue(urls)!,
                MaxBodyBytes = r.GetValue(maxBody),
                MaxBatchRecords = r.GetValue(maxBatch),
                MaxQueuedBatches = r.GetValue(maxQueued),
                IngestPriority = r.GetValue(ingestPriority),
                YoungCollectionBytes = Math.Max(0, r.GetValue(youngCollection)) << 20,
                Access = new AccessOptions
                {
                    InsecureNoAuth = r.GetValue(insecure),
                    RateLimits = r.GetValue(rateLimits) is { } limits ? AccessOptions.ParseRateLimits(limits) : new AccessOptions().RateLimits,
                    PrivacyBudgetPerDay = r.GetValue(privacyBudget),
                },
            };

            var clusterOptions = cluster.Build(r, storeOptions);
            await using var app = await Create(options, storeOptions, clusterOptions, services => stream.Register(services, r, clusterOptions?.Redis), store.Engine(r), ct);
            await app.StartAsync(ct);
            Console.WriteLine(clusterOptions is null
                ? $"persona listening on {options.Urls} (data: {Path.GetFullPath(options.DataDirectory)})"
                : $"persona silo listening on {options.Urls} (cluster '{clusterOptions.ClusterId}' in {clusterOptions.Redis}, {clusterOptions.Partitions} partitions)");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }

    /// <summary>The service on the embedded store, or a silo of the cluster (once its Redis answers); <paramref name="addSources"/> adds the stream source, if any.</summary>
    private static async Task<WebApplication> Create(ServerOptions options, EmbeddedStoreOptions store, PersonaClusterOptions? cluster, Action<IServiceCollection> addSources, EngineConfig engine, CancellationToken ct)
    {
        if (cluster is null)
        {
            return PersonaApp.Create(options, services => addSources(services.AddRocksDbProfileStore(store)), engine);
        }

        await RedisReadiness.WaitAsync(cluster.Redis, TimeSpan.FromMinutes(2), ct);
        return PersonaApp.Create(options, services => addSources(services.AddPersonaCluster(cluster)), engine);
    }
}
