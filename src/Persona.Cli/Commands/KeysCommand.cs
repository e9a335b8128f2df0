using System.CommandLine;
using Persona.Cluster;
using Persona.Serving.Access;
using Persona.Storage.Redis;
using StackExchange.Redis;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona keys add|list|revoke</c>: the API keys of a service on the embedded store (<c>--data-dir</c>, the file
/// <c>keys.json</c>) or of a cluster (<c>--cluster redis://HOST:PORT</c>). A running service takes a change within a
/// second. <c>add</c> prints the new key once, alone on its last line; only its hash is stored.
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "API keys with scopes (ingest, read, analytics, privacy, admin): add, list, revoke");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Revoke());
        return command;
    }

    private static Command Add()
    {
        var (dataDir, cluster, clusterId) = Where();
        var name = new Option<string>("--name") { Description = "Who or what holds the key (shown in lists and the audit log)", Required = true };
        var scopes = new Option<string>("--scopes") { Description = $"Comma-separated: {string.Join(", ", Scopes.All)} (admin holds every scope)", Required = true };
        var command = new Command("add", "Create a key; prints it once, alone on the last line") { dataDir, cluster, clusterId, name, scopes };
        command.SetAction(r => Run(r, dataDir, cluster, clusterId, keys =>
        {
            var (key, secret) = keys.Create(r.GetValue(name)!, Scopes.Parse(r.GetValue(scopes)!));
            Console.WriteLine($"key {key.Id} '{key.Name}' with scopes {string.Join(",", key.Scopes)} added to {keys.Where}; it is shown only now:");
            Console.WriteLine(secret);
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var (dataDir, cluster, clusterId) = Where();
        var command = new Command("list", "Every key: id, name, scopes, created, revoked (never a secret)") { dataDir, cluster, clusterId };
        command.SetAction(r => Run(r, dataDir, cluster, clusterId, keys =>
        {
            Console.WriteLine("id\tname\tscopes\tcreated\trevoked");
            foreach (var k in keys.List())
            {
                Console.WriteLine($"{k.Id}\t{k.Name}\t{string.Join(",", k.Scopes)}\t{k.Created:O}\t{(k.Revoked is { } at ? at.ToString("O") : "-")}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Revoke()
    {
        var (dataDir, cluster, clusterId) = Where();
        var id = new Option<string>("--id") { Description = "The key's id (persona keys list)", Required = true };
        var command = new Command("revoke", "Revoke a key: refused within a second by every server") { dataDir, cluster, clusterId, id };
        command.SetAction(r => Run(r, dataDir, cluster, clusterId, keys =>
        {
            if (!keys.Revoke(r.GetValue(id)!))
            {
                Console.Error.WriteLine($"id: no active key '{r.GetValue(id)}' in {keys.Where}");
                return 1;
            }

            Console.WriteLine($"key {r.GetValue(id)} revoked");
            return 0;
        }));
        return command;
    }

    private static (Option<string> DataDir, Option<string?> Cluster, Option<string> ClusterId) Where() =>
        (CommonOptions.DataDir(),
         new Option<string?>("--cluster") { Description = "The cluster's Redis (redis://HOST:PORT) instead of a data directory" },
         new Option<string>("--cluster-id") { Description = "The cluster's id", DefaultValueFactory = _ => "persona" });

    private static int Run(ParseResult r, Option<string> dataDir, Option<string?> cluster, Option<string> clusterId, Func<ApiKeys, int> act)
    {
        if (r.GetValue(cluster) is { } redis)
        {
            using var connection = ConnectionMultiplexer.Connect(RedisConfiguration.Parse(redis));
            return act(new ApiKeys(new RedisApiKeys(connection, r.GetValue(clusterId)!), TimeProvider.System));
        }

        return act(new ApiKeys(new ApiKeyFile(r.GetValue(dataDir)!), TimeProvider.System));
    }
}
