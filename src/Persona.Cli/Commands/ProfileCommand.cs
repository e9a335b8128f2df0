using System.CommandLine;
using System.Text.Json;
using Persona.Core.Views;
using Persona.Serving;
using Spectre.Console;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona profile</c>: one user's profile from a store, read through the serving stack (predictions of the
/// active models included), so <c>--json</c> prints the document the HTTP API serves. The service must not hold
/// the store open.
/// </summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var storeOptions = new StoreOptionSet();
        var servingOptions = new ServingOptionSet();
        var user = new Option<string>("--user") { Description = "User id", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the profile JSON (the document GET /v1/users/{id}/profile serves)" };
        var explain = new Option<bool>("--explain") { Description = "Include the events behind each top interest" };
        var command = new Command("profile", "Show a user's profile as the service serves it") { user, json, explain };
        storeOptions.AddTo(command);
        servingOptions.AddTo(command);
        command.SetAction(async (r, ct) =>
        {
            await using var serving = servingOptions.Open(r, storeOptions);
            var id = r.GetValue(user)!;
            if (serving.Profiles.Read(id, explain: r.GetValue(explain))?.View is not { } view)
            {
                await Console.Error.WriteLineAsync($"userId: no profile for '{id}'");
                return 1;
            }

            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(view, ServingJson.Create(indented: true)));
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
