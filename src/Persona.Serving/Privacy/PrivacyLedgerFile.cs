using System.Globalization;
using System.Text.Json;
using Persona.Serving.Hosting;

namespace Persona.Serving.Privacy;

/// <summary>
/// The privacy ledger of one node: <c>privacy-budget.json</c> in the data directory (key id → the day and ε spent),
/// rewritten atomically and synced on every spend, before the answer it pays for is given. Days before today are
/// dropped as it is rewritten.
/// </summary>
public sealed class PrivacyLedgerFile : IPrivacyLedger
{
    public const string FileName = "privacy-budget.json";

    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _spent;

    public PrivacyLedgerFile(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, FileName);
        _spent = File.Exists(_path)
            ? JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllBytes(_path)) ?? new(StringComparer.Ordinal)
            : new(StringComparer.Ordinal);
    }

    public bool TrySpend(string key, DateOnly day, double epsilon, double perDay, out double spentBefore)
    {
        ArgumentNullException.ThrowIfNull(key);
        var today = day.ToString("O", CultureInfo.InvariantCulture);
        lock (_lock)
        {
            spentBefore = _spent.TryGetValue(key, out var entry) && entry.Day == today ? entry.Spent : 0;
            if (spentBefore + epsilon > perDay + 1e-9)
            {
                return false;
            }

            foreach (var stale in _spent.Where(e => e.Value.Day != today).Select(e => e.Key).ToList())
            {
                _spent.Remove(stale);
            }

            _spent[key] = new Entry(today, spentBefore + epsilon);
            DurableFile.Replace(_path, stream => JsonSerializer.Serialize(stream, _spent));
            return true;
        }
    }

    /// <summary>A key's spending on one day (ISO date).</summary>
    public sealed record Entry(string Day, double Spent);
}
