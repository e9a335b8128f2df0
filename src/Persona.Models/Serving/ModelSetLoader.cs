using Persona.Core.Engine;
using Persona.Models.Artifacts;
using Persona.Models.Registry;
using Persona.Models.Serving.Kinds;

namespace Persona.Models.Serving;

/// <summary>
/// Loads the active model of every registered kind (<see cref="ModelKinds"/>) from a registry into a
/// <see cref="ModelSet"/> (for one-shot users such as <c>persona demo</c>; the service's host also keeps the
/// previous model when a new one is refused). A kind whose model fails its checks is left out, with the reason.
/// </summary>
public static class ModelSetLoader
{
    public static (ModelSet Models, IReadOnlyDictionary<string, string> Refused) Load(ModelRegistry registry, EngineConfig config, long id = 1)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(config);
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        var models = new List<IModelArtifact>();
        foreach (var kind in ModelKinds.All)
        {
            try
            {
                if (registry.ActiveFolder(kind.Name) is { } folder)
                {
                    models.Add(kind.Load(folder, config));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                refused[kind.Name] = ex.Message;
            }
        }

        return (new ModelSet(id, models), refused);
    }
}
