using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Persona.Cluster.Grains;

/// <summary>
/// Places a partition on the silo <see cref="PartitionAssignment"/> gives it among the silos alive, so that
/// partitions spread evenly over the cluster (16 over 3 silos: 6, 5, 5). Orleans' default (resource-optimised,
/// preferring the calling silo) put every partition on the silo that took the first call, and its hash placement
/// left a silo of three without any. A partition activated before a silo joined moves to it once membership has
/// settled (<see cref="PersonaClusterOptions.RebalanceDelay"/>; the grain deactivates and activates here).
/// </summary>
[Serializable]
[GenerateSerializer]
[Immutable]
[SuppressReferenceTracking]
public sealed class PartitionPlacement : PlacementStrategy
{
    internal static readonly PartitionPlacement Instance = new();
}

/// <summary>Marks a grain keyed by partition number as placed by <see cref="PartitionPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PartitionPlacementAttribute : PlacementAttribute
{
    public PartitionPlacementAttribute()
        : base(PartitionPlacement.Instance)
    {
    }
}

/// <summary>The director of <see cref="PartitionPlacement"/>.</summary>
internal sealed class PartitionPlacementDirector(PartitionMap map) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var silos = context.GetCompatibleSilos(target).ToDictionary(s => s.ToParsableString(), StringComparer.Ordinal);
        var partition = (int)target.GrainIdentity.GetIntegerKey();
        return Task.FromResult(silos[PartitionAssignment.Assign(map.Count, silos.Keys)[partition]]);
    }
}
