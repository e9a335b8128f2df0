using System.CommandLine;
using System.Globalization;
using Persona.Models.Registry;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona models list|add|promote|rollback</c>: the model registry the service serves from
/// (<c>models</c> in the data directory unless <c>--registry</c> names another). A running service picks up
/// a promotion or a rollback within its poll interval, or at once on <c>POST /v1/models/reload</c>.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List, add, promote and roll back models in the registry a service serves from");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Promote());
        command.Subcommands.Add(Rollback());
        return command;
    }

    private static (Option<string> DataDir, Option<string?> Registry) Location(Command command)
    {
        var dataDir = CommonOptions.DataDir(required: false);
        var registry = new Option<string?>("--registry") { Description = "Registry folder (default: models in the data directory)" };
        command.Options.Add(dataDir);
        command.Options.Add(registry);
        return (dataDir, registry);
    }

    private static ModelRegistry Open(ParseResult r, (Option<string> DataDir, Option<string?> Registry) location) =>
        new(r.GetValue(location.Registry) ?? Path.Combine(r.GetValue(location.DataDir)!, "models"));

    private static Command List()
    {
        var command = new Command("list", "Every registered model, newest first per kind; * marks the active one");
        var location = Location(command);
        command.SetAction(r =>
        {
            var registry = Open(r, location);
            var models = registry.List();
            if (models.Count == 0)
            {
                Console.WriteLine($"no models in {registry.Root}");
                return 0;
            }

            foreach (var m in models)
            {
                var headline = string.Join(", ", m.Metadata.Metrics.Where(p => p.Key.StartsWith("validation", StringComparison.Ordinal)).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:G4}")));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(m.Active ? '*' : ' ')} {m.Metadata.Kind,-15} {m.Metadata.Version,-48} {m.Metadata.CreatedAt:u}  schema {m.Metadata.FeatureSchemaHash}  {headline}"));
            }

            return 0;
        });
        return command;
    }

    private static Command Add()
    {
        var folder = new Argument<string>("folder") { Description = "A model folder written by persona train" };
        var promote = new Option<bool>("--promote") { Description = "Make it the active model of its kind" };
        var command = new Command("add", "Copy a trained model into the registry") { folder, promote };
        var location = Location(command);
        command.SetAction(r =>
        {
            var metadata = Open(r, location).Add(r.GetValue(folder)!, r.GetValue(promote));
            Console.WriteLine($"added {metadata.Version}{(r.GetValue(promote) ? " (active)" : string.Empty)}");
            return 0;
        });
        return command;
    }

    private static Command Promote()
    {
        var version = new Argument<string>("version") { Description = "The version to serve (persona models list)" };
        var command = new Command("promote", "Make a registered version the active model of its kind") { version };
        var location = Location(command);
        command.SetAction(r =>
        {
            var registry = Open(r, location);
            var name = r.GetValue(version)!;
            var model = registry.List().FirstOrDefault(m => m.Metadata.Version == name)
                ?? throw new InvalidOperationException($"registry: no version {name} in {registry.Root}");
            registry.Promote(model.Metadata.Kind, name);
            Console.WriteLine($"{model.Metadata.Kind}: {name} is active");
            return 0;
        });
        return command;
    }

    private static Command Rollback()
    {
        var kind = new Argument<string>("kind") { Description = "interest-mlp, churn-mlp, propensity-mlp, sequence or vae" };
        var command = new Command("rollback", "Make the previously active version of a kind active again") { kind };
        var location = Location(command);
        command.SetAction(r =>
        {
            var restored = Open(r, location).Rollback(r.GetValue(kind)!);
            Console.WriteLine($"{r.GetValue(kind)}: {restored} is active");
            return 0;
        });
        return command;
    }
}
