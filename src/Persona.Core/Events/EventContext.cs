namespace Persona.Core.Events;

/// <summary>Where an event happened: device, channel, page and free key/values.</summary>
public sealed record EventContext
{
    public string? Device { get; init; }

    public string? Channel { get; init; }

    public string? Page { get; init; }

    /// <summary>Free key/values (e.g. a preference's category or brand, a campaign).</summary>
    public IReadOnlyDictionary<string, string>? Values { get; init; }

    public bool IsEmpty => Device is null && Channel is null && Page is null && (Values is null || Values.Count == 0);
}
