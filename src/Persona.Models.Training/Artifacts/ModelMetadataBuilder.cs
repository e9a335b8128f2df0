using System.Globalization;
using Persona.Core.Engine;
using Persona.Core.Features;

namespace Persona.Models.Artifacts;

/// <summary>
/// Builds the <see cref="ModelMetadata"/> of a trained model: its kind and target, the engine configuration
/// and data it learned from, its features (feature models), the event-time window, and its options and
/// metrics in the order they are added. Version and weights hash are left for the artifact writer to fill.
/// </summary>
public sealed class ModelMetadataBuilder
{
    private readonly string _kind;
    private readonly string _target;
    private readonly EngineConfig _config;
    private readonly TrainingSource _source;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _metrics = new(StringComparer.Ordinal);
    private FeatureSchema? _schema;
    private InterestLabels? _labels;
    private (long From, long ValidationFrom, long To) _window;

    /// <summary>A model of <paramref name="kind"/> (empty for item models: their writer sets it) for <paramref name="target"/>, trained with <paramref name="config"/> on <paramref name="source"/>; created now by <paramref name="time"/>.</summary>
    public ModelMetadataBuilder(string kind, string target, EngineConfig config, TrainingSource source, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(time);
        (_kind, _target, _config, _source, _time) = (kind, target, config, source, time);
    }

    /// <summary>The feature schema the model reads and the interest labels of the profile it was trained on.</summary>
    public ModelMetadataBuilder Features(FeatureSchema schema, InterestLabels labels)
    {
        (_schema, _labels) = (schema, labels);
        return this;
    }

    /// <summary>Event time of the first training event, of the start of validation and of the end of the data (Unix ms).</summary>
    public ModelMetadataBuilder Window(long fromMs, long validationFromMs, long toMs)
    {
        _window = (fromMs, validationFromMs, toMs);
        return this;
    }

    public ModelMetadataBuilder Option(string key, string value)
    {
        _options[key] = value;
        return this;
    }

    /// <summary>A number or other formattable option, written in the invariant culture.</summary>
    public ModelMetadataBuilder Option(string key, IFormattable value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Option(key, value.ToString(null, CultureInfo.InvariantCulture));
    }

    public ModelMetadataBuilder Metric(string key, double value)
    {
        _metrics[key] = value;
        return this;
    }

    public ModelMetadata Build() => new()
    {
        Kind = _kind,
        Version = string.Empty,
        CreatedAt = _time.GetUtcNow(),
        FeatureVersion = _schema is null ? 0 : FeatureExtractor.Version,
        FeatureSchemaHash = _schema?.Hash ?? string.Empty,
        FeatureNames = _schema?.Names ?? [],
        LabelDepth = _labels?.Depth ?? 0,
        Labels = _labels?.Names ?? [],
        Target = _target,
        EngineConfigHash = EngineConfigJson.Hash(_config),
        EngineConfig = EngineConfigJson.Canonical(_config),
        TrainedFrom = DateTimeOffset.FromUnixTimeMilliseconds(_window.From),
        ValidationFrom = DateTimeOffset.FromUnixTimeMilliseconds(_window.ValidationFrom),
        TrainedTo = DateTimeOffset.FromUnixTimeMilliseconds(_window.To),
        Dataset = _source.Dataset,
        Format = _source.Format,
        Seed = _source.Seed,
        Options = new Dictionary<string, string>(_options, StringComparer.Ordinal),
        Metrics = new Dictionary<string, double>(_metrics, StringComparer.Ordinal),
        WeightsSha256 = string.Empty,
    };
}
