using Persona.Core.Pipeline;

namespace Persona.Cluster.Grains;

/// <summary>
/// What a partition made of its part of a batch (an <see cref="IngestResult"/> on the wire), or, when its store
/// refused writes, why (<see cref="Unavailable"/>): nothing of that part is then acknowledged. A refusal because
/// another activation took the partition's store over (<see cref="Superseded"/>) kept nothing and may be sent again
/// at once: the refusing activation has gone, and the next call reaches the store's owner.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record IngestReply(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Duplicate,
    [property: Id(2)] int Rejected,
    [property: Id(3)] WireError[] Errors,
    [property: Id(4)] string? Unavailable,
    [property: Id(5)] bool Superseded)
{
    /// <summary>Accepted events of users who withheld profiling (counted only).</summary>
    [Id(6)]
    public int Withheld { get; init; }

    public static IngestReply From(IngestResult r) => new(r.Accepted, r.Duplicate, r.Rejected, [.. r.Errors.Select(WireError.From)], null, false) { Withheld = r.Withheld };

    /// <summary>The refusal of a partition whose store failed.</summary>
    public static IngestReply Refused(int partition, StoreFault fault) =>
        new(0, 0, 0, [], $"partition {partition}: {fault.Message}", fault.Kind == StoreFaultKind.Superseded);
}
