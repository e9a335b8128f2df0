using Persona.Core.Engine;
using Persona.Models.Artifacts;
using Persona.Models.Registry;
using Persona.Models.Serving;
using Persona.Models.Serving.Kinds;

namespace Persona.Serving.ModelHosting;

/// <summary>
/// Serves the registry's active models and swaps them while the service runs. Every
/// <see cref="ServingOptions.ModelPollInterval"/> (and on <c>POST /v1/models/reload</c>) it reads the
/// registry's pointers for every registered kind (<see cref="ModelKinds"/>); a kind whose active version changed is loaded and checked against the service's
/// engine configuration and feature schema, and the whole <see cref="ModelSet"/> is replaced in one write.
/// Reads in flight finish on the set they started with. A model that fails to load is refused: the kind
/// keeps serving what it served before, and the reason is logged and shown by <c>GET /v1/models</c>.
/// Models are computed at read time, so a swap cannot lose or repeat an event; the one model ingestion uses, the
/// sentiment model (<see cref="ReviewSentiment"/>), scores a review once and the score is logged with the event.
/// </summary>
public sealed partial class ModelHost : BackgroundService
{
    private readonly ServingOptions _options;
    private readonly EngineConfig _config;
    private readonly ModelRegistry _registry;
    private readonly TimeProvider _clock;
    private readonly ILogger<ModelHost> _logger;
    private readonly Lock _reloading = new();
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refusedVersions = new(StringComparer.Ordinal);
    private ModelSet _current = ModelSet.Empty;
    private long _sets;

    public ModelHost(ServingOptions options, ProfileEngine engine, TimeProvider clock, ILogger<ModelHost> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        _options = options;
        _config = engine.Config;
        _registry = new ModelRegistry(options.ModelRegistryRoot);
        _clock = clock;
        _logger = logger;
        Reload();
    }

    /// <summary>The set to serve a read with.</summary>
    public ModelSet Current => Volatile.Read(ref _current);

    public string RegistryRoot => _registry.Root;

    /// <summary>The registry the service serves from (promotions through it are picked up by <see cref="Reload"/>).</summary>
    public ModelRegistry Registry => _registry;

    /// <summary>The kinds whose active version was refused, with why (they keep serving the previous one).</summary>
    public IReadOnlyDictionary<string, string> Errors
    {
        get
        {
            lock (_reloading)
            {
                return new Dictionary<string, string>(_errors, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>
    /// Checks the registry now; returns the set in service afterwards and the kinds refused, with why. A
    /// version refused before is tried again only when <paramref name="retryRefused"/> (an operator's reload),
    /// not on every poll.
    /// </summary>
    public (ModelSet Models, IReadOnlyDictionary<string, string> Errors) Reload(bool retryRefused = true)
    {
        lock (_reloading)
        {
            var current = Current;
            var loaded = new Dictionary<string, IModelArtifact?>(StringComparer.Ordinal);
            var changed = false;
            foreach (var modelKind in ModelKinds.All)
            {
                var kind = modelKind.Name;
                var servedVersion = current.Versions.GetValueOrDefault(kind);
                string? active;
                try
                {
                    active = _registry.Active(kind);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Refuse(kind, null, ex.Message);
                    loaded[kind] = current.Find(kind);
                    continue;
                }

                if (active == servedVersion)
                {
                    loaded[kind] = current.Find(kind);
                    _errors.Remove(kind); // e.g. rolled back to the version in service after a refusal
                    _refusedVersions.Remove(kind);
                    continue;
                }

                if (active is null)
                {
                    loaded[kind] = null; // the kind was withdrawn
                    _errors.Remove(kind);
                    _refusedVersions.Remove(kind);
                    changed = true;
                    continue;
                }

                if (!retryRefused && _refusedVersions.GetValueOrDefault(kind) == active)
                {
                    loaded[kind] = current.Find(kind);
                    continue;
                }

                try
                {
                    var model = modelKind.Load(_registry.VersionFolder(kind, active), _config);
                    if (model.Metadata.Version != active)
                    {
                        throw new InvalidDataException($"the folder holds model {model.Metadata.Version}, not {active}");
                    }

                    loaded[kind] = model;
                    _errors.Remove(kind);
                    _refusedVersions.Remove(kind);
                    changed = true;
                    ModelSwapped(_logger, kind, servedVersion ?? "none", active);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Whatever is wrong with a model (damaged files, bad metadata, a mismatch), the kind keeps
                    // serving what it served: one bad promotion must not stop the service.
                    Refuse(kind, active, $"{active}: {ex.Message}");
                    loaded[kind] = current.Find(kind);
                }
            }

            if (changed)
            {
                var next = new ModelSet(++_sets, loaded.Values.OfType<IModelArtifact>());
                Volatile.Write(ref _current, next);
            }

            return (Current, new Dictionary<string, string>(_errors, StringComparer.Ordinal));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ModelPollInterval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Reload(retryRefused: false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    PollFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private void Refuse(string kind, string? version, string reason)
    {
        if (_errors.GetValueOrDefault(kind) != reason)
        {
            ModelRefused(_logger, kind, reason);
        }

        _errors[kind] = reason;
        if (version is not null)
        {
            _refusedVersions[kind] = version;
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Model {Kind}: serving {Version} (was {Previous})")]
    private static partial void ModelSwapped(ILogger logger, string kind, string previous, string version);

    [LoggerMessage(EventId = 42, Level = LogLevel.Error, Message = "Checking the model registry failed; the models in service stay")]
    private static partial void PollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "Model {Kind} refused, the previous one stays in service: {Reason}")]
    private static partial void ModelRefused(ILogger logger, string kind, string reason);
}
