namespace Persona.Serving.Segments;

/// <summary>A user entering or leaving a segment: its sequence number in the change stream, when it was seen, and the log position of the newest event the evaluated profile reflected.</summary>
public sealed record SegmentChange(long Seq, string Segment, string UserId, string Change, DateTimeOffset At, long LogPosition)
{
    public const string Enter = "enter";
    public const string Leave = "leave";
}
