using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Persona.Cluster.Following;
using Persona.Cluster.Grains;
using Persona.Core.Pipeline;
using Persona.Serving.Access;
using Persona.Serving.Experiments;
using Persona.Serving.Hosting;
using Persona.Serving.Privacy;
using Persona.Serving.Segments;
using Persona.Storage.Redis;
using StackExchange.Redis;

namespace Persona.Cluster.Hosting;

/// <summary>Makes a host a silo of the Persona cluster, and its store the cluster's partitions.</summary>
public static class ClusterHostingExtensions
{
    /// <summary>Pool threads a silo keeps ready for the serving stack's synchronous waits on grain calls.</summary>
    public const int MinPoolThreads = 128;

    /// <summary>
    /// An Orleans silo whose membership lives in the cluster's Redis (Orleans' Redis clustering), the partition
    /// grains over Redis stores, the merged log of every partition, the segment definitions, the running experiment, the API keys, the pseudonym key and erasures shared in Redis, and <see cref="ClusterProfileStore"/> as the
    /// host's <see cref="IProfileStore"/> and <see cref="IStoreMaintenance"/>. Failure detection is tuned so a
    /// dead silo is declared dead (and its partitions move) within a few seconds. The partitions' stores run on
    /// <paramref name="storeClock"/>, or the host's clock. Options are validated here.
    /// </summary>
    public static IServiceCollection AddPersonaCluster(this IServiceCollection services, PersonaClusterOptions options, TimeProvider? storeClock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ReserveThreads();
        var siloPort = options.SiloPort == 0 ? FreePort(options.AdvertisedAddress) : options.SiloPort;
        var gatewayPort = options.GatewayPort == 0 ? FreePort(options.AdvertisedAddress) : options.GatewayPort;
        services.AddOrleans(silo =>
        {
            silo.UseRedisClustering(redis =>
            {
                redis.ConfigurationOptions = RedisConfiguration.Parse(options.Redis);
                redis.ConfigurationOptions.AbortOnConnectFail = false;
            });
            silo.Configure<ClusterOptions>(c =>
            {
                c.ClusterId = options.ClusterId;
                c.ServiceId = options.ClusterId;
            });
            silo.ConfigureEndpoints(options.AdvertisedAddress, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(options.AdvertisedAddress));
            silo.Configure<ClusterMembershipOptions>(m =>
            {
                m.ProbeTimeout = options.ProbeTimeout;
                m.NumMissedProbesLimit = 2; // with the default 2 s probe timeout: a dead silo is suspected after ~4 s
                m.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                m.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
            });
            silo.Configure<SiloMessagingOptions>(m => m.ResponseTimeout = TimeSpan.FromSeconds(10));
            silo.AddPlacementDirector<PartitionPlacement, PartitionPlacementDirector>();
        });
        services.AddSingleton(options);
        services.AddSingleton<IPartitionStores>(sp => new RedisPartitionStores(
            options, sp.GetRequiredService<Persona.Core.Engine.ProfileEngine>(), storeClock ?? sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new PartitionMap(sp.GetRequiredService<IPartitionStores>().Count));
        AddSharedState(services, options);
        services.AddSingleton<MergedLog>();
        services.AddHostedService(sp => sp.GetRequiredService<MergedLog>());
        services.AddSingleton<ClusterProfileStore>();
        services.AddSingleton<IProfileStore>(sp => sp.GetRequiredService<ClusterProfileStore>());
        services.AddSingleton<IStoreMaintenance>(sp => sp.GetRequiredService<ClusterProfileStore>());
        return services;
    }

    /// <summary>
    /// What every silo shares through the cluster's Redis: segment definitions, API keys, the running experiment,
    /// the pseudonym key, and erasures (announced to every silo, and kept for those that were away).
    /// </summary>
    private static void AddSharedState(IServiceCollection services, PersonaClusterOptions options)
    {
        static IConnectionMultiplexer Redis(IServiceProvider sp) => ((RedisPartitionStores)sp.GetRequiredService<IPartitionStores>()).Connection;
        services.AddSingleton<ISegmentDefinitionStore>(sp => new RedisSegmentDefinitions(Redis(sp), options.ClusterId));
        services.AddSingleton<IApiKeyStore>(sp => new RedisApiKeys(Redis(sp), options.ClusterId));
        services.AddSingleton<IExperimentStore>(sp => new RedisExperiments(Redis(sp), options.ClusterId));
        services.AddSingleton(sp => new Pseudonyms(RedisPseudonymKey.Load(Redis(sp), options.ClusterId)));
        services.AddSingleton(sp => new RedisErasures(
            Redis(sp), options.ClusterId, sp.GetRequiredService<NodeIdentity>(), sp.GetRequiredService<Pseudonyms>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IErasureBroadcast>(sp => sp.GetRequiredService<RedisErasures>());
        services.AddSingleton<IPrivacyLedger>(sp => new RedisPrivacyLedger(Redis(sp), options.ClusterId));
        services.AddHostedService(sp => new RedisErasureListener(
            Redis(sp), sp.GetRequiredService<RedisErasures>(), sp.GetRequiredService<UserErasure>(), sp.GetRequiredService<ILogger<RedisErasureListener>>()));
    }

    /// <summary>
    /// The serving stack reads its store synchronously, and <see cref="ClusterProfileStore"/> answers each read by
    /// waiting for a grain call, holding a pool thread meanwhile; with the pool's default minimum (one thread per
    /// core) a burst of reads starves the pool, and with it Orleans' own work (membership probes, activations),
    /// until the pool injects threads at about one a second. A silo starts with enough threads for the waits.
    /// </summary>
    private static void ReserveThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, MinPoolThreads), io);
    }

    /// <summary>A port free on <paramref name="address"/> now (Orleans takes no port 0): the operating system's pick.</summary>
    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
