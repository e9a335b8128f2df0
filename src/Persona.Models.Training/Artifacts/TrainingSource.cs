namespace Persona.Models.Artifacts;

/// <summary>Where a model's training data came from, for its metadata: the dataset's full path (or <c>synthetic</c>), its format and the seed.</summary>
public sealed record TrainingSource(string Dataset, string Format, int Seed);
