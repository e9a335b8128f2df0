using BenchmarkDotNet.Attributes;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Synthetic;

namespace Persona.Benchmarks;

/// <summary>Validation of a 1,000-event JSON body, as POST /v1/events receives it (per-operation time is per event).</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private readonly EventParser _parser = new(new EventTypes(), TimeProvider.System);
    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        var shop = new SyntheticShop(new ShopOptions { Users = 500, Events = 1_000, Start = DateTimeOffset.UtcNow.AddDays(-30) });
        _body = CanonicalJson.Array(shop.Events(), new EventTypes());
    }

    [Benchmark(OperationsPerInvoke = 1_000)]
    public int ParseBatch() => _parser.ParseBody(_body).Accepted.Count;
}
