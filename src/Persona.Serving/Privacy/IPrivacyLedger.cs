namespace Persona.Serving.Privacy;

/// <summary>
/// Where the ε each key spent today is kept, so that a restart or another node does not start a key's day afresh:
/// a file in the data directory (<see cref="PrivacyLedgerFile"/>), or the cluster's Redis.
/// </summary>
public interface IPrivacyLedger
{
    /// <summary>
    /// Adds <paramref name="epsilon"/> to what <paramref name="key"/> spent on <paramref name="day"/>, unless that would
    /// go beyond <paramref name="perDay"/>: then nothing is added and false returned. Atomic against every other
    /// spender of the same ledger. <paramref name="spentBefore"/> is what was spent before this call.
    /// </summary>
    bool TrySpend(string key, DateOnly day, double epsilon, double perDay, out double spentBefore);
}
