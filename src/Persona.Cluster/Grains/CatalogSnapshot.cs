namespace Persona.Cluster.Grains;

/// <summary>A partition's catalog items (JSON array) as of its log position <see cref="Position"/>.</summary>
[GenerateSerializer]
[Immutable]
public sealed record CatalogSnapshot([property: Id(0)] byte[] Items, [property: Id(1)] long Position);
