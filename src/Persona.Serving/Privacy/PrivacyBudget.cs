namespace Persona.Serving.Privacy;

/// <summary>
/// How much ε each key may spend on differentially private answers per UTC day: every private answer spends its ε
/// (sequential composition), and a request that would go beyond the day's budget is refused. What was spent is kept
/// in the <see cref="IPrivacyLedger"/> (a file of the node, or the cluster's Redis), so neither a restart nor
/// another silo starts a key's day afresh.
/// </summary>
public sealed class PrivacyBudget(double perDay, TimeProvider clock, IPrivacyLedger ledger)
{
    public double PerDay => perDay;

    /// <summary>Spends <paramref name="epsilon"/> of <paramref name="key"/>'s budget for today; false (nothing spent) when it would go beyond it. Returns what is left.</summary>
    public bool TrySpend(string key, double epsilon, out double left)
    {
        ArgumentNullException.ThrowIfNull(key);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var spent = ledger.TrySpend(key, today, epsilon, perDay, out var before);
        left = perDay - before - (spent ? epsilon : 0);
        return spent;
    }
}
