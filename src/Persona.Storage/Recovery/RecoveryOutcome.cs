namespace Persona.Storage.Recovery;

/// <summary>
/// What <see cref="StoreRecovery"/> found on open: log records read and how many of them were replayed, and the
/// log positions retention had deleted (those before the first record found).
/// </summary>
internal sealed record RecoveryOutcome(long Scanned, long Replayed, long DeletedThrough);
