using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Persona.Core.Engine;
using Persona.Storage.RocksDb;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona config</c>: the engine configuration as JSON, ready for <c>--engine-config</c>: the one a store
/// was built with (<c>--data-dir</c>; the service must not hold it open), or the defaults.
/// </summary>
internal static class ConfigCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var dataDir = CommonOptions.DataDir(required: false);
        dataDir.DefaultValueFactory = null;
        var command = new Command("config", "Print the engine configuration a store was built with (or the defaults), as a file for --engine-config") { dataDir };
        command.SetAction(r =>
        {
            var dir = r.GetValue(dataDir);
            string canonical;
            if (dir is null)
            {
                canonical = EngineConfigJson.Canonical(new EngineConfig());
            }
            else if (EmbeddedProfileStore.StoredEngineConfig(dir) is { } stored)
            {
                canonical = stored;
            }
            else
            {
                Console.Error.WriteLine($"data-dir: {dir} holds no store with a manifest (a store written before manifests takes the configuration of the process that opens it next)");
                return 1;
            }

            Console.WriteLine(JsonNode.Parse(canonical)!.ToJsonString(Indented));
            return 0;
        });
        return command;
    }
}
