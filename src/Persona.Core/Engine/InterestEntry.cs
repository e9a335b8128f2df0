namespace Persona.Core.Engine;

/// <summary>One interest of a profile: the feature id and its value scaled to the profile's reference time.</summary>
internal struct InterestEntry
{
    public ulong Key;
    public double Value;
}
