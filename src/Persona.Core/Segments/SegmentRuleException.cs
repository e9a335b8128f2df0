namespace Persona.Core.Segments;

/// <summary>A segment rule that cannot be parsed; <see cref="Position"/> is the 0-based character where the problem is.</summary>
public sealed class SegmentRuleException(string message, int position) : Exception($"rule: {message} at character {position + 1}")
{
    public int Position { get; } = position;
}
