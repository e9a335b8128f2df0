namespace Persona.Core.Pipeline;

/// <summary>Whether a store accepts writes; <see cref="Fault"/> says why not.</summary>
public sealed record StoreHealth(StoreFault? Fault)
{
    public static StoreHealth Healthy { get; } = new((StoreFault?)null);

    public bool IsHealthy => Fault is null;
}
