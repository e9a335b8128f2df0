using System.CommandLine;
using System.Globalization;
using Persona.Serving;
using Persona.Serving.Hosting;
using Persona.Storage.RocksDb.Hosting;

namespace Persona.Cli.Commands;

/// <summary>The serving stack's options for the commands that read from it without the service (profile, recommend).</summary>
internal sealed class ServingOptionSet
{
    public Option<string?> Models { get; } = new("--models") { Description = "Model registry whose active models add predictions and the sequence scorer (default: models in the data directory, as persona serve)" };

    public Option<string?> Blend { get; } = new("--blend") { Description = "Recommendation blend weights (JSON, as for persona serve --blend; default: the heuristic blend)" };

    public Option<string?> AsOf { get; } = new("--as-of") { Description = "Evaluate reads at this time (ISO 8601, e.g. 2026-11-27T10:00:00Z) instead of now" };

    public void AddTo(Command command)
    {
        command.Options.Add(Models);
        command.Options.Add(Blend);
        command.Options.Add(AsOf);
    }

    public ServingOptions Build(ParseResult r, string dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        ModelsDirectory = r.GetValue(Models),
        Recommendations = new() { Blend = r.GetValue(Blend) is { } file ? BlendFile.Read(file) : Persona.Recommend.Ranking.BlendWeights.Heuristic },
        LogImpressions = false,
    };

    /// <summary>
    /// The store given by <paramref name="store"/>'s options and the serving stack over it, reads evaluated at
    /// <c>--as-of</c> or now; the store keeps the system clock for its own work.
    /// </summary>
    public ServingHost Open(ParseResult r, StoreOptionSet store)
    {
        var storeOptions = store.Build(r);
        return ServingHost.Open(Build(r, storeOptions.DataDirectory), store.Engine(r), services => services.AddRocksDbProfileStore(storeOptions, TimeProvider.System), ReadClock(r));
    }

    /// <summary>The clock that reads are evaluated at: fixed at <c>--as-of</c>, or null (the system clock).</summary>
    public Func<IServiceProvider, TimeProvider>? ReadClock(ParseResult r) => FixedAt(r.GetValue(AsOf)) is { } clock ? _ => clock : null;

    /// <summary>A clock fixed at <paramref name="text"/> (ISO 8601); null when no time is given.</summary>
    private static FixedClock? FixedAt(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new ArgumentException($"as-of: '{text}' is not an ISO 8601 time");
        }

        return new FixedClock(at);
    }
}
