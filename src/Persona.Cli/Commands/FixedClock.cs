namespace Persona.Cli.Commands;

/// <summary>A clock that reads the time it was given: reads evaluated as of a chosen moment (<c>--as-of</c>), or as of the newest event (the demo).</summary>
internal sealed class FixedClock(Func<DateTimeOffset> now) : TimeProvider
{
    public FixedClock(DateTimeOffset at)
        : this(() => at)
    {
    }

    public override DateTimeOffset GetUtcNow() => now();
}
