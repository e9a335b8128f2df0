namespace Persona.Evaluation.Models;

/// <summary>
/// Forwards <c>Datasets.Stars</c> for <c>ServiceModel.cs</c> to <see cref="DatasetLoader.Stars"/>: inside
/// the Persona namespaces the name <c>Datasets</c> is the Persona.Datasets namespace, so the call needs a
/// type of that name nearer than it. Removed with <see cref="Loaders.LoadersNamespace"/>.
/// </summary>
internal static class Datasets
{
    public static int Stars(float rating) => DatasetLoader.Stars(rating);
}
