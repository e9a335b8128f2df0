namespace Persona.Core.Engine;

/// <summary>Where one windowed counter's (bucket, count) pairs lie in its profile's shared pair array.</summary>
internal struct CounterSegment
{
    /// <summary>First pair.</summary>
    public int Start;

    /// <summary>Pairs in use, ascending by bucket.</summary>
    public int Length;

    /// <summary>Pairs reserved.</summary>
    public int Capacity;
}
