using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Views;
using Persona.Models.Artifacts;

namespace Persona.Models.Serving;

/// <summary>
/// The models a service serves at one moment, immutable: swapping models replaces the whole set. A read
/// takes what the models need from the profile state while it holds the state (<see cref="Capture"/>:
/// the feature vectors, one per distinct schema), then computes the predictions without it
/// (<see cref="Predict"/>), so the store's lock is held only for the feature extraction.
/// </summary>
public sealed class ModelSet
{
    /// <param name="id">Distinguishes this set from the ones before it in the process (the owner counts them).</param>
    /// <param name="interest">The interest MLP, or null.</param>
    /// <param name="churn">The churn MLP, or null.</param>
    /// <param name="propensity">The purchase-propensity MLP, or null.</param>
    /// <param name="sequence">The sequence model, or null.</param>
    public ModelSet(long id, FeatureModelArtifact? interest, FeatureModelArtifact? churn, FeatureModelArtifact? propensity, ItemModelArtifact? sequence)
    {
        Interest = interest;
        Churn = churn;
        Propensity = propensity;
        Sequence = sequence;
        Id = id;
        Versions = new[] { interest?.Metadata, churn?.Metadata, propensity?.Metadata, sequence?.Metadata }
            .Where(m => m is not null)
            .ToDictionary(m => m!.Kind, m => m!.Version, StringComparer.Ordinal);
    }

    /// <summary>No model: the profile is served as the heuristic engine computes it.</summary>
    public static ModelSet Empty { get; } = new(0, null, null, null, null);

    /// <summary>Distinguishes sets in a process (cached predictions belong to one set).</summary>
    public long Id { get; }

    public FeatureModelArtifact? Interest { get; }

    public FeatureModelArtifact? Churn { get; }

    public FeatureModelArtifact? Propensity { get; }

    public ItemModelArtifact? Sequence { get; }

    /// <summary>Kind → version of every model in the set.</summary>
    public IReadOnlyDictionary<string, string> Versions { get; }

    public bool IsEmpty => Versions.Count == 0;

    /// <summary>The feature vectors the set's models need, from the state as of <paramref name="nowMs"/>.</summary>
    public ModelInputs Capture(ProfileState state, ICatalogView catalog, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(state);
        var features = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var model in new[] { Interest, Churn, Propensity })
        {
            if (model is not null && !features.ContainsKey(model.Metadata.FeatureSchemaHash))
            {
                features[model.Metadata.FeatureSchemaHash] = model.Extractor.Extract(state, catalog, nowMs);
            }
        }

        return new ModelInputs(state.AppliedSeq, features);
    }

    /// <summary>The predictions from captured inputs and the profile's recent items (newest first, as the view lists them).</summary>
    public PredictionsView Predict(ModelInputs inputs, IReadOnlyList<RecentItemView> recent)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(recent);
        IReadOnlyList<LabelProbability>? interests = null;
        if (Interest is not null)
        {
            var p = Interest.Model.Predict(inputs.Features[Interest.Metadata.FeatureSchemaHash]);
            interests = [.. p.Select((v, i) => new LabelProbability(Interest.Extractor.Labels.Names[i], Math.Round(v, 6))).OrderByDescending(l => l.Probability).ThenBy(l => l.Label, StringComparer.Ordinal)];
        }

        return new PredictionsView
        {
            Position = inputs.Position,
            Models = Versions,
            PredictedInterests = interests,
            ChurnRisk = Churn is null ? null : Math.Round(Churn.Model.Predict(inputs.Features[Churn.Metadata.FeatureSchemaHash])[1], 6),
            PurchasePropensity = Propensity is null ? null : Math.Round(Propensity.Model.Predict(inputs.Features[Propensity.Metadata.FeatureSchemaHash])[1], 6),
            Embedding = Sequence is null ? null : Embed(Sequence, recent),
        };
    }

    /// <summary>The sequence model's user embedding over the recent items it knows (<paramref name="recent"/> newest first, as the view lists them).</summary>
    public static float[] Embed(ItemModelArtifact model, IReadOnlyList<RecentItemView> recent)
    {
        var encoder = model.Sequence!;
        var items = new List<int>(recent.Count);
        var types = new List<int>(recent.Count);
        for (var i = recent.Count - 1; i >= 0; i--)
        {
            var index = model.IndexOf(recent[i].ItemId);
            if (index >= 0)
            {
                items.Add(index);
                var type = model.Types.Count > 1 ? IndexOfType(model.Types, recent[i].Type) : 0;
                types.Add(type < 0 ? 0 : type);
            }
        }

        return encoder.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(items), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(types));
    }

    private static int IndexOfType(IReadOnlyList<string> types, string type)
    {
        for (var i = 0; i < types.Count; i++)
        {
            if (types[i] == type)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>What a read captured for the models: the profile's log position and a feature vector per schema hash.</summary>
public sealed record ModelInputs(long Position, IReadOnlyDictionary<string, float[]> Features);
