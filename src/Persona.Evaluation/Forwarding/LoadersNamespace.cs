namespace Persona.Evaluation.Loaders;

/// <summary>
/// Keeps the namespace <c>Persona.Evaluation.Loaders</c> that <c>Models/ServiceModel.cs</c> still imports;
/// the loaders are in the Persona.Datasets project. Delete this folder (and the ServiceModel.cs section in
/// .editorconfig) once ServiceModel.cs imports Persona.Datasets and calls <c>DatasetLoader.Stars</c>.
/// </summary>
internal static class LoadersNamespace
{
}
