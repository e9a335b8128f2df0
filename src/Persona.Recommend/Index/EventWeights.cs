using Persona.Core.Events;

namespace Persona.Recommend.Index;

/// <summary>How much one event says about an item, for popularity and co-occurrence: stronger intent weighs more.</summary>
public static class EventWeights
{
    /// <summary>The weight of an event type; 0 for events that say nothing positive about their item (removals, impressions, searches).</summary>
    public static float Of(byte type) => (EventType)type switch
    {
        EventType.View => 1f,
        EventType.Click => 1f,
        EventType.CartAdd => 2f,
        EventType.Purchase => 3f,
        EventType.Rate => 2f,
        EventType.Review => 2f,
        EventType.Preference => 1f,
        EventType.CartRemove or EventType.Impression or EventType.Search => 0f,
        _ => 1f, // custom types are behaviour on an item
    };
}
