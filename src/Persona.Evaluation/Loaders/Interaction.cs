namespace Persona.Evaluation.Loaders;

/// <summary>One user–item interaction with its (possibly synthesised) event time.</summary>
public readonly record struct Interaction(int User, int Item, long TimeMs);
