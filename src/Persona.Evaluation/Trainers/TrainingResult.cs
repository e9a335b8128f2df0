using Persona.Models.Artifacts;

namespace Persona.Evaluation.Trainers;

/// <summary>A trained model's metadata as written beside its weights, and its Markdown report.</summary>
public sealed record TrainingResult(ModelMetadata Metadata, string Report);
