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
    /// <summary>The kinds a service serves, each with its artifact type.</summary>
    public static readonly string[] ServedKinds = [FeatureModelArtifact.InterestKind, FeatureModelArtifact.ChurnKind, FeatureModelArtifact.PropensityKind, ItemModelArtifact.SequenceKind];

    /// <summary>Loads and checks one model folder of <paramref name="kind"/> against the service's engine configuration.</summary>
    public static IModelArtifact LoadArtifact(string folder, string kind, EngineConfig config) =>
        kind == ItemModelArtifact.SequenceKind ? ItemModelArtifact.Load(folder, kind) : FeatureModelArtifact.Load(folder, config, kind);

    public static (ModelSet Models, IReadOnlyDictionary<string, string> Refused) Load(ModelRegistry registry, EngineConfig config, long id = 1)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(config);
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        IModelArtifact? Try(string kind)
        {
            try
            {
                return registry.ActiveFolder(kind) is { } folder ? LoadArtifact(folder, kind, config) : null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                refused[kind] = ex.Message;
                return null;
            }
        }

        var set = new ModelSet(
            id,
            Try(FeatureModelArtifact.InterestKind) as FeatureModelArtifact,
            Try(FeatureModelArtifact.ChurnKind) as FeatureModelArtifact,
            Try(FeatureModelArtifact.PropensityKind) as FeatureModelArtifact,
            Try(ItemModelArtifact.SequenceKind) as ItemModelArtifact);
        return (set, refused);
    }
}
