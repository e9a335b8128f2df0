using BenchmarkDotNet.Attributes;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Serialization;
using Persona.Synthetic;

namespace Persona.Benchmarks;

/// <summary>
/// Encoding and decoding one profile, as the embedded store does for every profile a batch touches and
/// for every read (profiles are cached encoded): a typical profile of a few events, and a full one (the
/// recent ring and the interest table at their caps).
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly BinaryWriterBuffer _buffer = new(4 * 1024);
    private ProfileState _state = new("none");
    private byte[] _encoded = [];

    /// <summary>Events the profile has seen.</summary>
    [Params(5, 300)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var engine = new ProfileEngine(new EngineConfig());
        var shop = new SyntheticShop(new ShopOptions { Users = 50, Events = 100_000, MeanSessionGap = TimeSpan.FromDays(2) });
        var catalog = new CatalogIndex();
        catalog.Upsert(shop.Catalog);
        var user = shop.Events().GroupBy(e => e.UserId).First(g => g.Count() >= Events);
        _state = new ProfileState(user.Key);
        foreach (var e in user.Take(Events))
        {
            engine.Apply(_state, e, catalog);
        }

        _encoded = ProfileCodec.Serialize(_state);
    }

    /// <summary>Encodes into a reused buffer (the store's path).</summary>
    [Benchmark]
    public int Write()
    {
        _buffer.Clear();
        ProfileCodec.Write(_state, _buffer);
        return _buffer.Length;
    }

    [Benchmark]
    public long Deserialize() => ProfileCodec.Deserialize(_encoded).EventCount;
}
