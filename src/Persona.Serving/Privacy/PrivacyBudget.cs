namespace Persona.Serving.Privacy;

/// <summary>
/// How much ε each key may spend on differentially private answers per UTC day: every private answer spends its ε
/// (sequential composition), and a request that would go beyond the day's budget is refused. Kept in this process's
/// memory: a restart, or another silo, starts a key's day afresh (docs/SECURITY.md says what that means).
/// </summary>
public sealed class PrivacyBudget(double perDay, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (DateOnly Day, double Spent)> _spent = new(StringComparer.Ordinal);

    public double PerDay => perDay;

    /// <summary>Spends <paramref name="epsilon"/> of <paramref name="key"/>'s budget for today; false (nothing spent) when it would go beyond it. Returns what is left.</summary>
    public bool TrySpend(string key, double epsilon, out double left)
    {
        ArgumentNullException.ThrowIfNull(key);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        lock (_lock)
        {
            var spent = _spent.TryGetValue(key, out var entry) && entry.Day == today ? entry.Spent : 0;
            if (spent + epsilon > perDay + 1e-9)
            {
                left = perDay - spent;
                return false;
            }

            _spent[key] = (today, spent + epsilon);
            left = perDay - spent - epsilon;
            return true;
        }
    }
}
