namespace Persona.Core.Features.Families;

/// <summary>
/// A family of model inputs: its names and its writer side by side, so that they cannot drift (the extractor
/// checks on every extraction that the writer wrote exactly one value per name). Registered in order in
/// <see cref="FeatureExtractor"/>; the schema is the families' names in that order.
/// </summary>
internal interface IFeatureFamily
{
    /// <summary>The family's input names, in the order <see cref="Write"/> writes them.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Writes one value per name, in order, for a profile with at least one event.</summary>
    void Write(in FeatureInput input, ref FeatureWriter w);
}
