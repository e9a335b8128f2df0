namespace Persona.Serving.Hosting;

/// <summary>A clock that reads the time it is given: reads evaluated as of a chosen moment (<c>--as-of</c>), or as of the newest event (the demo).</summary>
public sealed class FixedClock(Func<DateTimeOffset> now) : TimeProvider
{
    public FixedClock(DateTimeOffset at)
        : this(() => at)
    {
    }

    public override DateTimeOffset GetUtcNow() => now();
}
