using Persona.Storage.Faults;

namespace Persona.Storage.TestKit;

/// <summary>A fault injector for tests: an action per point, given the hit's number (1 for the first); counts every hit.</summary>
public sealed class TestFaults : IFaultInjector
{
    private readonly Dictionary<FaultPoint, Action<int>> _actions = [];
    private readonly int[] _hits = new int[Enum.GetValues<FaultPoint>().Length];

    public TestFaults On(FaultPoint point, Action<int> action)
    {
        _actions[point] = action;
        return this;
    }

    public int Hits(FaultPoint point) => Volatile.Read(ref _hits[(int)point]);

    public void Hit(FaultPoint point)
    {
        var n = Interlocked.Increment(ref _hits[(int)point]);
        if (_actions.TryGetValue(point, out var action))
        {
            action(n);
        }
    }
}

/// <summary>The exception a test's fault injector throws to stand for a crash or an I/O failure at a point.</summary>
public sealed class InjectedFaultException(string message) : IOException(message);
