namespace Persona.Storage.Apply;

/// <summary>
/// The engine failed on one event given a profile that was read and decoded: a failure of the event itself, not
/// of storage. Replay on open may skip such an event for good (its batch failed the same way and was never
/// acknowledged); any other failure while replaying fails the open instead.
/// </summary>
internal sealed class EventApplyException(long seq, Exception cause) : Exception(cause.Message, cause)
{
    /// <summary>The log position of the event the engine failed on.</summary>
    public long Seq { get; } = seq;

    /// <summary>
    /// The engine failure behind <paramref name="failure"/> (itself, or every failure of a parallel apply), or
    /// null when anything else failed, such as reading or decoding a profile.
    /// </summary>
    public static EventApplyException? Of(Exception failure) => failure switch
    {
        EventApplyException e => e,
        AggregateException { InnerExceptions.Count: > 0 } all when all.Flatten().InnerExceptions.All(e => e is EventApplyException) =>
            (EventApplyException)all.Flatten().InnerExceptions[0],
        _ => null,
    };
}
