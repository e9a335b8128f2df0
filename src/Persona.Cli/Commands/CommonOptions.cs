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
}
