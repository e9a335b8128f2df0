namespace Persona.Core.Pipeline;

/// <summary>
/// What an erasure removed: whether anything was held about the user (a profile, a user record, events or dead
/// letters), and how many of their logged events and dead letters went.
/// </summary>
public sealed record ErasureResult(bool Found, long Events, int DeadLetters);
