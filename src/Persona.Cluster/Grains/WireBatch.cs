using Persona.Core.Ingest;

namespace Persona.Cluster.Grains;

/// <summary>
/// A parsed batch (or the part of one that a partition owns) as it crosses between silos: each accepted
/// record's index in the original batch and its encoding (an event's <c>EventCodec</c> bytes, an item's or a
/// user record's JSON), and the rejected records with their errors and raw text.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record WireBatch(
    [property: Id(0)] int[] Indexes,
    [property: Id(1)] byte[][] Records,
    [property: Id(2)] WireError[] Rejected,
    [property: Id(3)] string[] RejectedRaw)
{
    public static WireBatch Empty { get; } = new([], [], [], []);

    public int Count => Indexes.Length + Rejected.Length;
}

/// <summary>A <see cref="RecordError"/> on the wire.</summary>
[GenerateSerializer]
[Immutable]
public sealed record WireError([property: Id(0)] int Index, [property: Id(1)] string? Id, [property: Id(2)] string[] Errors)
{
    public static WireError From(RecordError e) => new(e.Index, e.Id, [.. e.Errors]);

    public RecordError ToRecordError() => new(Index, Id, Errors);
}
