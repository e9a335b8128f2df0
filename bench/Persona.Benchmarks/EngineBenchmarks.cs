using BenchmarkDotNet.Attributes;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Synthetic;

namespace Persona.Benchmarks;

/// <summary>
/// Micro-benchmarks of the engine's hot path: applying events to warm profiles (cache-resident and
/// cache-missing user counts). The end-to-end numbers come from <c>persona bench</c>.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private readonly ProfileEngine _engine = new(new EngineConfig());
    private readonly CatalogIndex _catalog = new();
    private BehaviorEvent[] _events = [];
    private Dictionary<string, ProfileState> _states = [];
    private ProfileState[] _eventStates = [];

    [Params(1_000, 200_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var shop = new SyntheticShop(new ShopOptions { Users = Users, Events = 200_000, MeanSessionGap = TimeSpan.FromDays(20) });
        _catalog.Upsert(shop.Catalog);
        _events = [.. shop.Events()];
        _states = [];
        foreach (var e in _events)
        {
            if (!_states.ContainsKey(e.UserId))
            {
                _states[e.UserId] = new ProfileState(e.UserId);
            }
        }

        _eventStates = [.. _events.Select(e => _states[e.UserId])];
    }

    /// <summary>Applies 200,000 events to existing profiles (per-operation time is per event).</summary>
    [Benchmark(OperationsPerInvoke = 200_000)]
    public void Apply()
    {
        foreach (var e in _events)
        {
            _engine.Apply(_states[e.UserId], e, _catalog);
        }
    }

    /// <summary>The same events one at a time, each event's state looked up beforehand (the baseline of <see cref="ApplyBatch"/>).</summary>
    [Benchmark(OperationsPerInvoke = 200_000)]
    public void ApplyLookedUp()
    {
        for (var i = 0; i < _events.Length; i++)
        {
            _engine.Apply(_eventStates[i], _events[i], _catalog);
        }
    }

    /// <summary>The same events through <see cref="ProfileEngine.ApplyBatch"/>, each event's state looked up beforehand.</summary>
    [Benchmark(OperationsPerInvoke = 200_000)]
    public void ApplyBatch() => _engine.ApplyBatch(_eventStates, _events, _catalog);
}
