using Persona.Core.Engine;
using Persona.Models.Artifacts;
using Persona.Models.Registry;

namespace Persona.Models.Serving;

/// <summary>
/// Loads the active model of every served kind from a registry into a <see cref="ModelSet"/> (for one-shot
/// users such as <c>persona demo</c>; the service's host also keeps the previous model when a new one is
/// refused). A kind whose model fails its checks is left out, with the reason.
/// </summary>
public static class ModelSetLoader
{
    public static (ModelSet Models, IReadOnlyDictionary<string, string> Refused) Load(ModelRegistry registry, EngineConfig config, long id = 1)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(config);
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        T? Try<T>(string kind, Func<string, T> load)
            where T : class
        {
            try
            {
                return registry.ActiveFolder(kind) is { } folder ? load(folder) : null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                refused[kind] = ex.Message;
                return null;
            }
        }

        var set = new ModelSet(
            id,
            Try(FeatureModelArtifact.InterestKind, f => FeatureModelArtifact.Load(f, config, FeatureModelArtifact.InterestKind)),
            Try(FeatureModelArtifact.ChurnKind, f => FeatureModelArtifact.Load(f, config, FeatureModelArtifact.ChurnKind)),
            Try(FeatureModelArtifact.PropensityKind, f => FeatureModelArtifact.Load(f, config, FeatureModelArtifact.PropensityKind)),
            Try(ItemModelArtifact.SequenceKind, f => ItemModelArtifact.Load(f, ItemModelArtifact.SequenceKind)));
        return (set, refused);
    }
}
