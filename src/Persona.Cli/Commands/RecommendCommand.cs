using System.CommandLine;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Recommend.Ranking;
using Persona.Storage.RocksDb;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona recommend</c>: one user's recommendations from a store (the service must not hold it open). The
/// index is rebuilt by reading the store's retained log, as the service does at start; the heuristic blend
/// ranks (the service adds the active sequence model when one is promoted).
/// </summary>
internal static class RecommendCommand
{
    public static Command Create()
    {
        var storeOptions = new StoreOptionSet();
        var user = new Option<string>("--user") { Description = "User id (an unknown one gets the cold-start answer)", Required = true };
        var k = new Option<int>("--k") { Description = "Items", DefaultValueFactory = _ => 20 };
        var context = new Option<string[]>("--context") { Description = "Context values as key=value (category, brand, query, item, device, page)", AllowMultipleArgumentsPerToken = true };
        var exclude = new Option<string[]>("--exclude") { Description = "Item ids to leave out", AllowMultipleArgumentsPerToken = true };
        var command = new Command("recommend", "Recommend items for a user from a store") { user, k, context, exclude };
        storeOptions.AddTo(command);
        command.SetAction(r =>
        {
            var ctx = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in r.GetValue(context) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == pair.Length - 1)
                {
                    Console.Error.WriteLine($"context: '{pair}' is not key=value");
                    return 2;
                }

                ctx[pair[..eq]] = pair[(eq + 1)..];
            }

            var maxK = new RecommenderOptions().MaxK;
            if (r.GetValue(k) < 1 || r.GetValue(k) > maxK)
            {
                Console.Error.WriteLine($"k: {r.GetValue(k)} is outside 1..{maxK}");
                return 2;
            }

            var engine = new ProfileEngine(storeOptions.Engine(r));
            using var store = EmbeddedProfileStore.Open(storeOptions.Build(r), engine);
            var recommender = new Recommender(StoreLog.Index(store));
            var reader = new ProfileReader(engine);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var id = r.GetValue(user)!;
            var signals = store.Read(id, s => UserSignals.Read(reader, s, store.Catalog, now));
            var answer = recommender.Recommend(
                new RecommendRequest { UserId = id, K = r.GetValue(k), User = signals, Context = ctx, Exclude = (r.GetValue(exclude) ?? []).ToHashSet(StringComparer.Ordinal), NowMs = now },
                Guid.CreateVersion7().ToString("N"));
            Console.WriteLine(JsonSerializer.Serialize(answer, Json.Options));
            return 0;
        });
        return command;
    }
}
