using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Recommend.Ranking;
using Persona.Serving.Following;
using Persona.Serving.Privacy;
using Persona.Serving.Recommendations;
using Persona.Storage.RocksDb;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona train-ranker</c>: learns the recommendation blend from what a service served: its logged answers
/// (<c>impressions.bin</c>, with the features the blend scored) and the clicks in its log that carry their
/// recommendation id (<see cref="ImpressionLearner"/>). Writes the weights for <c>persona serve --blend</c>.
/// The store must not be open in a running service.
/// </summary>
internal static class TrainRankerCommand
{
    public static Command Create()
    {
        var storeOptions = new StoreOptionSet();
        var output = new Option<string>("--out") { Description = "Where to write the learned weights (JSON)", DefaultValueFactory = _ => "blend.json" };
        var command = new Command("train-ranker", "Learn the recommendation blend from logged impressions and the clicks attributed to them") { output };
        storeOptions.AddTo(command);
        command.SetAction(r =>
        {
            var options = storeOptions.Build(r);
            var impressions = ImpressionLog.ReadBack(options.DataDirectory).ToList();

            var engine = new ProfileEngine(storeOptions.Engine(r));
            using var store = EmbeddedProfileStore.Open(options, engine);
            var events = LogEvents.All(store).Where(e => e.RecommendationId is not null).ToList();

            var lists = ImpressionLearner.Join(impressions, events, Pseudonyms.FromDirectory(options.DataDirectory).Of);
            if (lists.Count < 50)
            {
                Console.Error.WriteLine($"train-ranker: {lists.Count} logged answers with clicks ({impressions.Count} answers logged); at least 50 are needed");
                return 1;
            }

            var learned = ImpressionLearner.Learn(lists, BlendWeights.Heuristic, fixedAtZero: [RankingFeatures.LearnedScorer]);
            File.WriteAllText(r.GetValue(output)!, JsonSerializer.Serialize(learned.Weights, Json.Options));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learned from {learned.TrainLists:N0} answers with clicks, checked on {learned.HeldOutLists:N0}: IPS-NDCG {learned.TrainStart:0.0000} → {learned.TrainLearned:0.0000} (training), {learned.HeldOutStart:0.0000} → {learned.HeldOutLearned:0.0000} (held out)"));
            Console.WriteLine($"weights written to {r.GetValue(output)}: serve them with persona serve --blend {r.GetValue(output)}");
            return 0;
        });
        return command;
    }
}
