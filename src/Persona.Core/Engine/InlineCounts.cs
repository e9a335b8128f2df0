using System.Runtime.CompilerServices;

namespace Persona.Core.Engine;

/// <summary>24 hour-of-day counts stored inline in the profile object.</summary>
[InlineArray(24)]
internal struct HourCounts
{
    private int _element;
}

/// <summary>7 day-of-week counts stored inline in the profile object.</summary>
[InlineArray(7)]
internal struct DayCounts
{
    private int _element;
}
