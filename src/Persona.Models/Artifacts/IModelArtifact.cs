namespace Persona.Models.Artifacts;

/// <summary>A loaded, checked model artifact of any kind.</summary>
public interface IModelArtifact
{
    ModelMetadata Metadata { get; }
}
