using System.Runtime.InteropServices;
using Persona.Core.Engine;
using Persona.Core.Features;
using Persona.Core.Views;
using Persona.Models.Artifacts;

namespace Persona.Models.Serving.Kinds;

/// <summary>
/// The sequence model (<see cref="ItemModelArtifact"/>): the user embedding over the recent items it knows
/// (<see cref="PredictionsView.Embedding"/>); it reads no profile features. The recommendation stack scores items
/// with the same embedding.
/// </summary>
public sealed class SequenceModelKind : IModelKind
{
    public string Name => ItemModelArtifact.SequenceKind;

    public IModelArtifact Load(string folder, EngineConfig config) => ItemModelArtifact.Load(folder, Name);

    public (string SchemaHash, FeatureExtractor Extractor)? Inputs(IModelArtifact model) => null;

    public PredictionsView Predict(IModelArtifact model, ModelInputs inputs, IReadOnlyList<RecentItemView> recent, PredictionsView view) =>
        view with { Embedding = Embed((ItemModelArtifact)model, recent) };

    /// <summary>The sequence model's user embedding over the recent items it knows (<paramref name="recent"/> newest first, as the view lists them).</summary>
    public static float[] Embed(ItemModelArtifact model, IReadOnlyList<RecentItemView> recent)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(recent);
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

        return encoder.Encode(CollectionsMarshal.AsSpan(items), CollectionsMarshal.AsSpan(types));
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
