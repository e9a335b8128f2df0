using System.CommandLine;
using System.Net;
using Persona.Cluster;
using Persona.Storage;

namespace Persona.Cli.Commands;

/// <summary>The flags that make <c>persona serve</c> a silo of a cluster over Redis instead of a process on the embedded store.</summary>
internal sealed class ClusterOptionSet
{
    public Option<string?> Cluster { get; } = new("--cluster")
    {
        Description = "Join (or form) the cluster whose membership and state live in this Redis (redis://HOST:PORT); the embedded store is not used",
    };

    public Option<int> Partitions { get; } = new("--partitions")
    {
        Description = "Partitions the users are split into (fixed for the cluster's life; every silo must give the same)",
        DefaultValueFactory = _ => 16,
    };

    public Option<int> SiloPort { get; } = new("--silo-port") { Description = "Silo-to-silo port (default: a free one)" };

    public Option<int> GatewayPort { get; } = new("--gateway-port") { Description = "Orleans gateway port (default: a free one)" };

    public Option<string> Advertise { get; } = new("--advertise")
    {
        Description = "The address other silos reach this one at",
        DefaultValueFactory = _ => "127.0.0.1",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Cluster, Partitions, SiloPort, GatewayPort, Advertise })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The cluster's settings when --cluster is given (each partition's store with <paramref name="store"/>'s settings); null otherwise.</summary>
    public PersonaClusterOptions? Build(ParseResult r, DurableStoreOptions store) => r.GetValue(Cluster) is { } redis
        ? new PersonaClusterOptions
        {
            Redis = redis,
            Partitions = r.GetValue(Partitions),
            SiloPort = r.GetValue(SiloPort),
            GatewayPort = r.GetValue(GatewayPort),
            AdvertisedAddress = IPAddress.Parse(r.GetValue(Advertise)!),
            Store = store,
        }
        : null;
}
