using System.Diagnostics;
using System.Globalization;

namespace Persona.Storage.Faults;

/// <summary>
/// Fault injection for crash tests of a real process: <c>PERSONA_FAULTS=Point:action[@n],...</c>, where Point is
/// a <see cref="FaultPoint"/>, action is <c>kill</c> (SIGKILL this process), <c>fail</c> (throw an I/O error) or
/// <c>delay=MS</c>, and n is the hit it happens at (default 1; <c>@*</c> every hit). A kill first writes
/// <c>persona: fault injected: kill at Point (hit n)</c> to standard error, so a test can prove where it landed.
/// Unset in production.
/// </summary>
public sealed class FaultsFromEnvironment : IFaultInjector
{
    private readonly Dictionary<FaultPoint, (string Action, int At)> _rules;
    private readonly int[] _hits = new int[Enum.GetValues<FaultPoint>().Length];

    private FaultsFromEnvironment(Dictionary<FaultPoint, (string, int)> rules)
    {
        _rules = rules;
    }

    /// <summary>The injector <c>PERSONA_FAULTS</c> describes, or null when it is unset.</summary>
    public static IFaultInjector? Read()
    {
        var spec = Environment.GetEnvironmentVariable("PERSONA_FAULTS");
        if (string.IsNullOrWhiteSpace(spec))
        {
            return null;
        }

        var rules = new Dictionary<FaultPoint, (string, int)>();
        foreach (var rule in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = rule.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || !Enum.TryParse<FaultPoint>(rule[..colon], out var point))
            {
                throw new ArgumentException($"PERSONA_FAULTS: '{rule}' is not Point:action[@n] with Point one of {string.Join(", ", Enum.GetNames<FaultPoint>())}");
            }

            var action = rule[(colon + 1)..];
            var at = 1;
            var hit = action.IndexOf('@', StringComparison.Ordinal);
            if (hit >= 0)
            {
                at = action[(hit + 1)..] == "*" ? 0 : int.Parse(action[(hit + 1)..], CultureInfo.InvariantCulture);
                action = action[..hit];
            }

            rules[point] = (action, at);
        }

        return new FaultsFromEnvironment(rules);
    }

    public void Hit(FaultPoint point)
    {
        if (!_rules.TryGetValue(point, out var rule))
        {
            return;
        }

        var n = Interlocked.Increment(ref _hits[(int)point]);
        if (rule.At != 0 && n != rule.At)
        {
            return;
        }

        switch (rule.Action)
        {
            case "kill":
                Console.Error.WriteLine($"persona: fault injected: kill at {point} (hit {n})");
                Console.Error.Flush();
                Process.GetCurrentProcess().Kill();
                Thread.Sleep(Timeout.Infinite);
                break;
            case "fail":
                throw new IOException($"fault injected at {point} (hit {n})");
            case var delay when delay.StartsWith("delay=", StringComparison.Ordinal):
                Thread.Sleep(int.Parse(delay["delay=".Length..], CultureInfo.InvariantCulture));
                break;
            default:
                throw new ArgumentException($"PERSONA_FAULTS: unknown action '{rule.Action}' (kill, fail, delay=MS)");
        }
    }
}
