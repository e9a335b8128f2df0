using System.CommandLine;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Views;
using Persona.Storage.RocksDb;
using Spectre.Console;

namespace Persona.Cli.Commands;

/// <summary><c>persona profile</c>: one user's profile from a store (the service must not hold it open).</summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var storeOptions = new StoreOptionSet();
        var user = new Option<string>("--user") { Description = "User id", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the profile JSON" };
        var explain = new Option<bool>("--explain") { Description = "Include the events behind each top interest" };
        var command = new Command("profile", "Show a user's profile") { user, json, explain };
        storeOptions.AddTo(command);
        command.SetAction(r =>
        {
            var engine = new ProfileEngine(storeOptions.Engine(r));
            using var store = EmbeddedProfileStore.Open(storeOptions.Build(r), engine);
            var reader = new ProfileReader(engine);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var id = r.GetValue(user)!;
            var view = store.Read(id, s => reader.Read(s, store.Catalog, now));
            if (view is null)
            {
                Console.Error.WriteLine($"userId: no profile for '{id}'");
                return 1;
            }

            if (r.GetValue(explain))
            {
                var history = store.History(id);
                view = view with { Explain = store.Read(id, s => reader.Explain(s, history, store.Catalog, now)) };
            }

            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(view, Json.Options));
            }
            else
            {
                Render(view);
            }

            return 0;
        });
        return command;
    }

    public static void Render(ProfileView view)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(view.UserId)}[/] ({view.Lifecycle}, {view.EventCount} events)");
        table.AddColumn("what").AddColumn("value");
        string Top(IReadOnlyList<InterestScore> xs) => Markup.Escape(string.Join(", ", xs.Take(4).Select(x => $"{x.Feature[(x.Feature.IndexOf(':', StringComparison.Ordinal) + 1)..]} {x.Score:P0}")));
        table.AddRow("categories", Top(view.Interests.Categories));
        table.AddRow("brands", Top(view.Interests.Brands));
        table.AddRow("price bands", Top(view.Interests.PriceBands));
        table.AddRow("RFM", $"recency {view.Rfm.RecencyDays?.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) ?? "-"} d, {view.Rfm.Frequency} orders, {view.Rfm.Monetary:F2} spent");
        table.AddRow("sessions", $"{view.Sessions.Count}, {view.Sessions.MeanEvents:F1} events each, bounce {view.Sessions.BounceRate:P0}");
        table.AddRow("conversion", view.ConversionRate?.ToString("P1", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        table.AddRow("recent", Markup.Escape(string.Join(" ", view.RecentItems.Take(6).Select(i => $"{i.Type}:{i.ItemId}"))));
        if (view.Predictions is { } p)
        {
            if (p.PredictedInterests is { } interests)
            {
                table.AddRow("predicted interests", Markup.Escape(string.Join(", ", interests.Take(4).Select(l => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{l.Label} {l.Probability:P0}")))));
            }

            if (p.ChurnRisk is { } churn)
            {
                table.AddRow("churn risk", churn.ToString("P1", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (p.PurchasePropensity is { } propensity)
            {
                table.AddRow("purchase propensity", propensity.ToString("P1", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (p.Embedding is { } embedding)
            {
                table.AddRow("embedding", Markup.Escape(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{embedding.Count} dims: {string.Join(' ', embedding.Take(4).Select(v => v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} …")));
            }

            table.AddRow("models", Markup.Escape(string.Join(", ", p.Models.Values)));
        }

        AnsiConsole.Write(table);
    }
}
