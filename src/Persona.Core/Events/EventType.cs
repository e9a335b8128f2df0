namespace Persona.Core.Events;

/// <summary>
/// Built-in behaviour event types. Codes at or above <see cref="FirstCustom"/> are custom types
/// registered in <see cref="Engine.EngineConfig.CustomEventTypes"/>.
/// </summary>
public enum EventType : byte
{
    View = 0,
    Click = 1,
    CartAdd = 2,
    CartRemove = 3,
    Purchase = 4,
    Rate = 5,
    Review = 6,
    Search = 7,
    Impression = 8,
    Preference = 9,
    FirstCustom = 10,
}
