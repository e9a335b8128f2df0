using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Views;
using Persona.Models.Artifacts;
using Persona.Models.Serving.Kinds;

namespace Persona.Models.Serving;

/// <summary>
/// The models a service serves at one moment, at most one per registered kind (<see cref="ModelKinds"/>),
/// immutable: swapping models replaces the whole set. A read takes what the models need from the profile state
/// while it holds the state (<see cref="Capture"/>: the feature vectors, one per distinct schema), then computes
/// the predictions without it (<see cref="Predict"/>), so the store's lock is held only for the feature extraction.
/// </summary>
public sealed class ModelSet
{
    private readonly (IModelKind Kind, IModelArtifact Model)[] _models;

    /// <param name="id">Distinguishes this set from the ones before it in the process (the owner counts them).</param>
    /// <param name="models">The models, each of a registered kind (its metadata's kind), at most one per kind.</param>
    public ModelSet(long id, IEnumerable<IModelArtifact> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var byKind = new Dictionary<string, IModelArtifact>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            ModelKinds.Require(model.Metadata.Kind);
            if (!byKind.TryAdd(model.Metadata.Kind, model))
            {
                throw new ArgumentException($"model set: two models of kind {model.Metadata.Kind}", nameof(models));
            }
        }

        Id = id;
        _models = [.. ModelKinds.All.Where(k => byKind.ContainsKey(k.Name)).Select(k => (k, byKind[k.Name]))];
        Versions = _models.ToDictionary(m => m.Kind.Name, m => m.Model.Metadata.Version, StringComparer.Ordinal);
    }

    /// <summary>No model: the profile is served as the heuristic engine computes it.</summary>
    public static ModelSet Empty { get; } = new(0, []);

    /// <summary>Distinguishes sets in a process (cached predictions belong to one set).</summary>
    public long Id { get; }

    /// <summary>Kind → version of every model in the set, in registry order.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; }

    public bool IsEmpty => Versions.Count == 0;

    /// <summary>The model of that kind in the set, or null.</summary>
    public IModelArtifact? Find(string kind)
    {
        foreach (var (k, model) in _models)
        {
            if (k.Name == kind)
            {
                return model;
            }
        }

        return null;
    }

    /// <summary>The model of that kind in the set as its artifact type, or null.</summary>
    public T? Find<T>(string kind)
        where T : class, IModelArtifact => Find(kind) as T;

    /// <summary>The feature vectors the set's models need, from the state as of <paramref name="nowMs"/>.</summary>
    public ModelInputs Capture(ProfileState state, ICatalogView catalog, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(state);
        var features = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (kind, model) in _models)
        {
            if (kind.Inputs(model) is { } inputs && !features.ContainsKey(inputs.SchemaHash))
            {
                features[inputs.SchemaHash] = inputs.Extractor.Extract(state, catalog, nowMs);
            }
        }

        return new ModelInputs(state.AppliedSeq, features);
    }

    /// <summary>The predictions from captured inputs and the profile's recent items (newest first, as the view lists them): each model adds its own.</summary>
    public PredictionsView Predict(ModelInputs inputs, IReadOnlyList<RecentItemView> recent)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(recent);
        var view = new PredictionsView { Position = inputs.Position, Models = Versions };
        foreach (var (kind, model) in _models)
        {
            view = kind.Predict(model, inputs, recent, view);
        }

        return view;
    }
}

/// <summary>What a read captured for the models: the profile's log position and a feature vector per schema hash.</summary>
public sealed record ModelInputs(long Position, IReadOnlyDictionary<string, float[]> Features);
