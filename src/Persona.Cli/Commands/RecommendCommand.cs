using System.CommandLine;
using System.Text.Json;
using Persona.Recommend.Ranking;
using Persona.Serving;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona recommend</c>: one user's recommendations from a store, through the serving stack: the index and
/// click feedback rebuilt from the store's retained log and impression log as the service does at start, the
/// active sequence model as a scorer, the running experiment's arm. The answer is not logged as an impression.
/// The service must not hold the store open.
/// </summary>
internal static class RecommendCommand
{
    public static Command Create()
    {
        var storeOptions = new StoreOptionSet();
        var servingOptions = new ServingOptionSet();
        var user = new Option<string>("--user") { Description = "User id (an unknown one gets the cold-start answer)", Required = true };
        var k = new Option<int>("--k") { Description = "Items", DefaultValueFactory = _ => 20 };
        var context = new Option<string[]>("--context") { Description = "Context values as key=value (category, brand, query, item, device, page)", AllowMultipleArgumentsPerToken = true };
        var exclude = new Option<string[]>("--exclude") { Description = "Item ids to leave out", AllowMultipleArgumentsPerToken = true };
        var command = new Command("recommend", "Recommend items for a user from a store, as the service would") { user, k, context, exclude };
        storeOptions.AddTo(command);
        servingOptions.AddTo(command);
        command.SetAction(async (r, ct) =>
        {
            if (Context(r.GetValue(context)) is not { } ctx)
            {
                return 2;
            }

            var maxK = new RecommenderOptions().MaxK;
            if (r.GetValue(k) < 1 || r.GetValue(k) > maxK)
            {
                await Console.Error.WriteLineAsync($"k: {r.GetValue(k)} is outside 1..{maxK}");
                return 2;
            }

            await using var serving = servingOptions.Open(r, storeOptions);
            var answer = serving.Recommendations.Recommend(r.GetValue(user)!, r.GetValue(k), ctx, (r.GetValue(exclude) ?? []).ToHashSet(StringComparer.Ordinal));
            Console.WriteLine(JsonSerializer.Serialize(answer, ServingJson.Create(indented: true)));
            return 0;
        });
        return command;
    }

    /// <summary>The context pairs, or null (with the problem written) when one is not key=value.</summary>
    private static Dictionary<string, string>? Context(string[]? pairs)
    {
        var ctx = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1)
            {
                Console.Error.WriteLine($"context: '{pair}' is not key=value");
                return null;
            }

            ctx[pair[..eq]] = pair[(eq + 1)..];
        }

        return ctx;
    }
}
