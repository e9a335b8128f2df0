using System.CommandLine;
using Persona.Cli.Commands;

var root = new RootCommand("Persona: real-time user profiles for e-commerce")
{
    DemoCommand.Create(),
    ServeCommand.Create(),
    ImportCommand.Create(),
    ProfileCommand.Create(),
    ExportProfilesCommand.Create(),
    AnalyseCommand.Create(),
    BenchCommand.Create(),
    EvaluateCommand.Create(),
    GenerateCommand.Create(),
    ConfigCommand.Create(),
    TrainCommand.Create(),
    ModelsCommand.Create(),
    RecommendCommand.Create(),
    SimulateCommand.Create(),
    TrainRankerCommand.Create(),
    KeysCommand.Create(),
    EraseCommand.Create(),
    EncryptionKeyCommand.Create(),
};
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException or InvalidDataException or Persona.Datasets.LoaderException)
{
    // Configuration and store errors name their cause; a stack trace would only hide it.
    Console.Error.WriteLine($"persona: {ex.Message}");
    return 2;
}
