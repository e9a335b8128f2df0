using System.CommandLine;
using Persona.Core.Engine;

namespace Persona.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CommonOptions
{
    public static Option<string> DataDir(bool required = true) => new("--data-dir")
    {
        Description = "Directory of the embedded store",
        Required = required,
        DefaultValueFactory = _ => "./persona-data",
    };

    public static Option<int> CheckpointFileMinProfiles() => new("--checkpoint-file-min-profiles")
    {
        Description = "Dirty profiles from which a checkpoint is written as a table file and ingested, instead of through the write-ahead log",
        DefaultValueFactory = _ => Persona.Storage.RocksDb.EmbeddedStoreOptions.DefaultCheckpointFileMinProfiles,
    };

    public static Option<string?> EngineConfig() => new("--engine-config")
    {
        Description = "JSON file of engine settings (half-lives, type weights, windows; docs/PROFILE.md); the live service, import, replay and evaluation must use the same one",
    };

    /// <summary>Reads and validates an engine configuration file; the defaults when <paramref name="path"/> is null.</summary>
    public static EngineConfig LoadEngineConfig(string? path) => path is null ? new EngineConfig() : EngineConfigJson.Load(path);
}
