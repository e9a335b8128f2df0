using Persona.Storage;
using Persona.Storage.Backend;

namespace Persona.Cluster;

/// <summary>Where the partitions' stores live: the owner's read-write store, and a read-only view of a partition's log for any silo.</summary>
public interface IPartitionStores
{
    /// <summary>How many partitions the users are split into (fixed for the life of the cluster's data).</summary>
    int Count { get; }

    /// <summary>
    /// Opens and recovers partition <paramref name="partition"/>'s store as its one writer (older writers are fenced
    /// off), off the caller's thread; a silo opens a few at a time, so that a storm of activations (a cluster's start,
    /// a failover) does not tie up every pool thread in blocking Redis calls.
    /// </summary>
    Task<DurableProfileStore> OpenAsync(int partition, CancellationToken cancellationToken);

    /// <summary>The partition's log, read-only, for following it from any silo.</summary>
    IEventLogStore OpenLog(int partition);
}
