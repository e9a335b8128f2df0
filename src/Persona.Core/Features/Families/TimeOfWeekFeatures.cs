namespace Persona.Core.Features.Families;

/// <summary>When the user is active: the share of events per UTC hour, then per weekday.</summary>
internal sealed class TimeOfWeekFeatures : IFeatureFamily
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public IReadOnlyList<string> Names { get; } = [.. Enumerable.Range(0, 24).Select(h => $"hour.{h:00}"), .. DayNames.Select(d => $"day.{d}")];

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        ReadOnlySpan<int> hours = input.State.HourOfDay;
        ReadOnlySpan<int> days = input.State.DayOfWeek;
        w.Shares(hours);
        w.Shares(days);
    }
}
