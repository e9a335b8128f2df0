using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Serialization;
using Persona.Core.Views;
using Persona.Synthetic;

namespace Persona.Benchmarks;

/// <summary>
/// What a profile read costs the service besides HTTP: decoding the cached encoding, deriving the view
/// (top interests, windowed counters, sessions) and writing it as JSON into a reused buffer, for a typical
/// profile of a few events and a full one.
/// </summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(16 * 1024);
    private readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private ProfileReader _reader = new(new ProfileEngine(new EngineConfig()));
    private CatalogIndex _catalog = new();
    private byte[] _encoded = [];
    private long _nowMs;
    private ProfileView _view = null!;

    /// <summary>Events the profile has seen.</summary>
    [Params(5, 300)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var engine = new ProfileEngine(new EngineConfig());
        _reader = new ProfileReader(engine);
        var shop = new SyntheticShop(new ShopOptions { Users = 50, Events = 100_000, MeanSessionGap = TimeSpan.FromDays(2) });
        _catalog = new CatalogIndex();
        _catalog.Upsert(shop.Catalog);
        var user = shop.Events().GroupBy(e => e.UserId).First(g => g.Count() >= Events);
        var state = new ProfileState(user.Key);
        foreach (var e in user.Take(Events))
        {
            engine.Apply(state, e, _catalog);
        }

        _encoded = ProfileCodec.Serialize(state);
        _nowMs = state.LastSeenMs + 3_600_000;
        _view = _reader.Read(state, _catalog, _nowMs);
    }

    /// <summary>Decode and derive the view.</summary>
    [Benchmark]
    public ProfileView View() => _reader.Read(ProfileCodec.Deserialize(_encoded), _catalog, _nowMs);

    /// <summary>Write the view as JSON with the service's options.</summary>
    [Benchmark]
    public int Json()
    {
        _output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_output);
        JsonSerializer.Serialize(writer, _view, _options);
        return _output.WrittenCount;
    }
}
