using System.CommandLine;

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
}
