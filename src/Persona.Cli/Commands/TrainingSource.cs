namespace Persona.Cli.Commands;

/// <summary>Where a model's training data came from, for its metadata.</summary>
internal sealed record TrainingSource(string Dataset, string Format, int Seed);
