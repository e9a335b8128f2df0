using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Persona.LoadTest;

/// <summary>
/// <c>compare-profiles</c>: reads every user's profile (the users of an NDJSON event file) from two services and
/// compares the JSON documents whole (<see cref="JsonNode.DeepEquals"/>). Both must answer as of the same time
/// (<c>persona serve --as-of</c>) for the comparison to mean anything. Prints the counts and the first users that
/// differ, as JSON; exits 1 when any profile differs or is missing on one side.
/// </summary>
internal static class CompareProfilesCommand
{
    public static Command Create()
    {
        var a = new Option<string>("--a") { Description = "One service's base address", Required = true };
        var b = new Option<string>("--b") { Description = "The other service's base address", Required = true };
        var events = new Option<string>("--events") { Description = "NDJSON events whose users are compared", Required = true };
        var command = new Command("compare-profiles", "Compare every user's profile on two services (both served --as-of one time); prints JSON, exit 1 on any difference") { a, b, events };
        command.SetAction((r, ct) => Run(new Uri(r.GetValue(a)!), new Uri(r.GetValue(b)!), r.GetValue(events)!, ct));
        return command;
    }

    private static async Task<int> Run(Uri a, Uri b, string events, CancellationToken ct)
    {
        var users = File.ReadLines(events).Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l)?["userId"]?.GetValue<string>())
            .OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var equal = 0;
        var different = new List<string>();
        foreach (var chunk in users.Chunk(32))
        {
            var pairs = await Task.WhenAll(chunk.Select(async u => (User: u, A: await Profile(http, a, u, ct), B: await Profile(http, b, u, ct))));
            foreach (var (user, left, right) in pairs)
            {
                if (left is not null && JsonNode.DeepEquals(left, right))
                {
                    equal++;
                }
                else
                {
                    different.Add(user);
                }
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(new { users = users.Count, equal, different = different.Count, firstDifferent = different.Take(10) }, Json.Options));
        return different.Count == 0 ? 0 : 1;
    }

    private static async Task<JsonNode?> Profile(HttpClient http, Uri service, string user, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(service, $"/v1/users/{Uri.EscapeDataString(user)}/profile"), ct);
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) : null;
    }
}
