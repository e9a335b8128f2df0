using System.Net;
using Persona.Storage;

namespace Persona.Cluster;

/// <summary>
/// A silo's settings: the Redis that holds the cluster's membership and every partition's store, how many
/// partitions the users are split into, and this silo's endpoints. Validated at start.
/// </summary>
public sealed record PersonaClusterOptions
{
    /// <summary>The Redis server, as <c>redis://HOST:PORT</c> or a StackExchange.Redis configuration string.</summary>
    public required string Redis { get; init; }

    /// <summary>Names the cluster in Redis (membership and keys): silos with the same id form one cluster.</summary>
    public string ClusterId { get; init; } = "persona";

    /// <summary>How many partitions the users are split into; fixed once the cluster has data (the first silo records it in Redis).</summary>
    public int Partitions { get; init; } = 16;

    /// <summary>The address other silos reach this one at.</summary>
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Silo-to-silo port; 0 picks a free one.</summary>
    public int SiloPort { get; init; }

    /// <summary>The port Orleans clients connect to; 0 picks a free one.</summary>
    public int GatewayPort { get; init; }

    /// <summary>How long a silo may miss probes before the others declare it dead and its partitions move: a probe timeout.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the cluster's membership must stay unchanged before a partition that is not on the silo the
    /// assignment gives it (<see cref="Grains.PartitionAssignment"/>) moves there: a silo that joins takes its share
    /// this long after it joined.
    /// </summary>
    public TimeSpan RebalanceDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The store settings each partition opens with (checkpoints, retention, dedupe horizon, cache).</summary>
    public DurableStoreOptions Store { get; init; } = new();

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Redis);
        ArgumentException.ThrowIfNullOrWhiteSpace(ClusterId);
        if (Partitions is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(Partitions), Partitions, "between 1 and 4096 partitions");
        }

        if (SiloPort is < 0 or > 65535 || GatewayPort is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(SiloPort), "ports between 0 (free) and 65535");
        }

        if (ProbeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ProbeTimeout), ProbeTimeout, "a positive probe timeout");
        }

        if (RebalanceDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RebalanceDelay), RebalanceDelay, "a rebalance delay of zero or more");
        }

        Store.Validate();
    }
}
