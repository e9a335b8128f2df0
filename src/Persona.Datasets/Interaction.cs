namespace Persona.Datasets;

/// <summary>
/// One user–item interaction with its (possibly synthesised) event time and, where the data has one, the
/// user's rating as the data states it (MovieLens: 1–5 stars, ml-latest in half stars), and the event
/// type code where the data has several kinds (views, carts, purchases; null where it has one).
/// </summary>
public readonly record struct Interaction(int User, int Item, long TimeMs, float? Rating = null, byte? Type = null);
