using Persona.Recommend.Experiments;

namespace Persona.Serving.Experiments;

/// <summary>
/// Where the running experiment is kept, and where each server's counts for it meet: a file of one node's own
/// (<see cref="ExperimentFile"/>), or a place every silo of a cluster shares (<see cref="IsShared"/>), from which
/// each silo takes the experiment started or stopped through another and publishes its own counts
/// (<see cref="ExperimentSync"/>), so that a report on any silo counts every silo's answers.
/// </summary>
public interface IExperimentStore
{
    /// <summary>Names the place in messages.</summary>
    string Where { get; }

    /// <summary>Whether other processes start, stop and count the experiment too.</summary>
    bool IsShared { get; }

    /// <summary>The running experiment, or null.</summary>
    RunningExperiment? Load();

    /// <summary>
    /// Starts <paramref name="experiment"/> as a new run (counts from zero), replacing a run of the same id;
    /// <see cref="InvalidOperationException"/> when another experiment runs.
    /// </summary>
    RunningExperiment Start(Experiment experiment);

    /// <summary>Stops the experiment <paramref name="id"/> and drops its counts; false when it is not the one running.</summary>
    bool Finish(string id);

    /// <summary>Publishes this server's counts (<paramref name="node"/> names it) for run <paramref name="run"/>; ignored once that run is over.</summary>
    void Publish(string run, string node, ExperimentTally tally);

    /// <summary>The counts every server published for run <paramref name="run"/>, by node.</summary>
    IReadOnlyDictionary<string, ExperimentTally> Tallies(string run);
}
