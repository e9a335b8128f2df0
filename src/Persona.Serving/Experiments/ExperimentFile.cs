using System.Text.Json;
using Persona.Recommend.Experiments;
using Persona.Serving.Hosting;

namespace Persona.Serving.Experiments;

/// <summary>
/// The running experiment in the data directory (<c>experiment.json</c>), for a node that serves alone: its counts
/// are its own (rebuilt at start from the answers it logged), so none are published. A save writes a temporary
/// file, flushes it and renames it over the old one.
/// </summary>
public sealed class ExperimentFile(string dataDirectory) : IExperimentStore
{
    public const string FileName = "experiment.json";

    /// <summary>The run of an experiment kept in a file: there is one process, so one name serves.</summary>
    public const string LocalRun = "local";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _lock = new();

    public string Path { get; } = System.IO.Path.Combine(dataDirectory, FileName);

    public string Where => Path;

    /// <summary>False: the file is this process's alone.</summary>
    public bool IsShared => false;

    /// <summary>The experiment in the file, or null when there is none; a damaged file is an error naming it.</summary>
    public RunningExperiment? Load()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Experiment>(File.ReadAllBytes(Path), Json) is { } experiment ? new RunningExperiment(experiment, LocalRun) : null;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path}: not an experiment ({ex.Message})", ex);
        }
    }

    public RunningExperiment Start(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        lock (_lock)
        {
            if (Load() is { } running && running.Experiment.Id != experiment.Id)
            {
                throw new InvalidOperationException($"experiment '{running.Experiment.Id}' is running: stop it first");
            }

            DurableFile.Replace(Path, stream => JsonSerializer.Serialize(stream, experiment, Json));
            return new RunningExperiment(experiment, LocalRun);
        }
    }

    public bool Finish(string id)
    {
        lock (_lock)
        {
            if (Load()?.Experiment.Id != id)
            {
                return false;
            }

            File.Delete(Path);
            return true;
        }
    }

    /// <summary>Nothing to publish: no other process reads the counts.</summary>
    public void Publish(string run, string node, ExperimentTally tally)
    {
    }

    public IReadOnlyDictionary<string, ExperimentTally> Tallies(string run) => new Dictionary<string, ExperimentTally>();
}
