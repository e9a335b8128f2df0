using Microsoft.Extensions.Time.Testing;
using Persona.Serving.Privacy;

namespace Persona.Server.Tests;

public sealed class PrivacyBudgetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "persona-budget-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void TrySpend_AfterARestart_TheDaysSpendingIsStillCounted()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero));
        Assert.True(new PrivacyBudget(10, clock, new PrivacyLedgerFile(_dir)).TrySpend("k1", 8, out var left));

        var restarted = new PrivacyBudget(10, clock, new PrivacyLedgerFile(_dir));

        Assert.Equal(2, left, 9);
        Assert.False(restarted.TrySpend("k1", 3, out var stillLeft));
        Assert.Equal(2, stillLeft, 9);
        Assert.True(restarted.TrySpend("k2", 3, out _)); // another key has its own budget
        clock.Advance(TimeSpan.FromDays(1));
        Assert.True(restarted.TrySpend("k1", 10, out var nextDay)); // a new UTC day, a new budget
        Assert.Equal(0, nextDay, 9);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
