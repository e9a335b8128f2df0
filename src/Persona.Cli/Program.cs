using System.CommandLine;
using Persona.Cli.Commands;

var root = new RootCommand("Persona: real-time user profiles for e-commerce")
{
    DemoCommand.Create(),
    ServeCommand.Create(),
    ImportCommand.Create(),
    ProfileCommand.Create(),
    BenchCommand.Create(),
    LoadTestCommand.Create(),
    EvaluateCommand.Create(),
    GenerateCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
