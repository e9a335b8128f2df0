using Persona.Core.Pipeline;

namespace Persona.Cluster.Grains;

/// <summary>
/// What a partition made of its part of a batch (an <see cref="IngestResult"/> on the wire), or, when its store
/// refused writes, why (<see cref="Unavailable"/>): nothing of that part is then acknowledged.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record IngestReply(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Duplicate,
    [property: Id(2)] int Rejected,
    [property: Id(3)] WireError[] Errors,
    [property: Id(4)] string? Unavailable)
{
    public static IngestReply From(IngestResult r) => new(r.Accepted, r.Duplicate, r.Rejected, [.. r.Errors.Select(WireError.From)], null);
}
