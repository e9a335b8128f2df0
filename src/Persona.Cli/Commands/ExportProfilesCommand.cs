using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Persona.Serving;
using Persona.Serving.Hosting;
using Persona.Storage.Redis;
using Persona.Storage.Redis.Hosting;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona export-profiles</c>: every user's profile, as the service serves it (read through the serving
/// stack, <c>--as-of</c> a fixed time), one <c>userId TAB json</c> line per user in ordinal user order: from the
/// embedded store, or from a cluster's partitions in Redis (<c>--cluster</c>). Two exports of the same events
/// at the same time are byte-identical, which is how a cluster run is compared with a single node. Opening a
/// partition takes its writer epoch: run it on a stopped cluster (a live silo's partition would be fenced off
/// and reopen on its next call).
/// </summary>
internal static class ExportProfilesCommand
{
    public static Command Create()
    {
        var storeOptions = new StoreOptionSet();
        var servingOptions = new ServingOptionSet();
        var cluster = new Option<string?>("--cluster") { Description = "Read the partitions of the cluster in this Redis (redis://HOST:PORT) instead of the embedded store" };
        var clusterId = new Option<string>("--cluster-id") { Description = "The cluster's name in Redis", DefaultValueFactory = _ => "persona" };
        var partitions = new Option<int>("--partitions") { Description = "The cluster's partition count", DefaultValueFactory = _ => 16 };
        var output = new Option<string>("--out") { Description = "Output file (userId TAB profile JSON per line)", Required = true };
        var command = new Command("export-profiles", "Write every user's profile as served (--as-of a fixed time), one line per user, from the embedded store or a stopped cluster") { cluster, clusterId, partitions, output };
        storeOptions.AddTo(command);
        servingOptions.AddTo(command);
        command.SetAction(async (r, ct) =>
        {
            var lines = new List<string>();
            if (r.GetValue(cluster) is { } redis)
            {
                for (var p = 0; p < r.GetValue(partitions); p++)
                {
                    var store = new RedisStoreOptions(storeOptions.Build(r)) { Configuration = redis, KeyPrefix = $"{r.GetValue(clusterId)}:p{p.ToString(CultureInfo.InvariantCulture)}" };
                    await using var host = ServingHost.Open(servingOptions.Build(r, r.GetValue(storeOptions.DataDir)!), storeOptions.Engine(r), services => services.AddRedisProfileStore(store, TimeProvider.System), servingOptions.ReadClock(r));
                    Collect(host, lines);
                }
            }
            else
            {
                await using var host = servingOptions.Open(r, storeOptions);
                Collect(host, lines);
            }

            lines.Sort(StringComparer.Ordinal);
            await File.WriteAllLinesAsync(r.GetValue(output)!, lines, ct);
            Console.WriteLine($"{lines.Count} profiles written to {r.GetValue(output)}");
            return 0;
        });
        return command;
    }

    private static void Collect(ServingHost host, List<string> lines)
    {
        var json = ServingJson.Create(indented: false);
        var users = new List<string>();
        host.Store.VisitUsers(users.Add);
        foreach (var user in users)
        {
            if (host.Profiles.Read(user)?.View is { } view)
            {
                lines.Add(user + "\t" + JsonSerializer.Serialize(view, json));
            }
        }
    }
}
