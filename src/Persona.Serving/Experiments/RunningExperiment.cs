using Persona.Recommend.Experiments;

namespace Persona.Serving.Experiments;

/// <summary>
/// The experiment that runs, and which run of it (<see cref="Run"/>): starting an experiment again, even under the
/// same id, is a new run whose counts start from zero.
/// </summary>
public sealed record RunningExperiment(Experiment Experiment, string Run);
