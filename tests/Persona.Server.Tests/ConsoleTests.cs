using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Persona.Serving.Access;
using Xunit.Abstractions;

namespace Persona.Server.Tests;

/// <summary>
/// The web console in a real browser: Debian's headless chromium, driven by Playwright, against a real service.
/// Set PERSONA_SCREENSHOTS to a folder to keep a screenshot of each page (docs/CONSOLE.md's come from it).
/// </summary>
public sealed class ConsoleTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly long T0 = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();

    [Fact]
    public async Task UserPage_LiveProfile_TopInterestAndFirstRecommendationAsTheApiGivesThemAndNewEventsWithinTwoSeconds()
    {
        await using var server = await TestServer.StartAsync();
        var seeded = await Seed(server);
        await RecommendationsApiTests.UntilIndexed(server, seeded);
        var profile = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/users/ana/profile", UriKind.Relative)))!;
        var topInterest = profile["interests"]!["categories"]![0]!["feature"]!.GetValue<string>();
        var answer = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/users/ana/recommendations?k=10&preview=true", UriKind.Relative)))!;
        var firstItem = answer["items"]![0]!["itemId"]!.GetValue<string>();

        await using var browser = await Browser();
        var page = await browser.NewPageAsync();
        var errors = Errors(page);
        await page.GotoAsync(new Uri(server.Client.BaseAddress!, "/ui/users/ana").ToString());

        await Assertions.Expect(page.Locator("#top-interest")).ToHaveAttributeAsync("data-feature", topInterest);
        await Assertions.Expect(page.Locator("#first-recommendation")).ToHaveTextAsync(firstItem);
        await Assertions.Expect(page.Locator("#stream-status")).ToHaveTextAsync("live");

        // Events posted while the page is open appear on it: each measured from the POST to the row in the timeline.
        var delays = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var item = $"new{i}";
            await Post(server, "/v1/items", JsonSerializer.Serialize(new { itemId = item, categoryPath = new[] { "Garden", "Tools" }, price = 20 }));
            var watch = Stopwatch.StartNew();
            await Post(server, "/v1/events", JsonSerializer.Serialize(new { eventId = $"live{i}", type = "cart_add", userId = "ana", itemId = item, timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }));
            await Assertions.Expect(page.Locator($"#timeline-table tr[data-item='{item}']")).ToBeVisibleAsync(new() { Timeout = 2_000 });
            delays.Add(watch.Elapsed.TotalMilliseconds);
        }

        delays.Sort();
        output.WriteLine($"live update, POST to the row on the page: median {delays[delays.Count / 2]:F0} ms, max {delays[^1]:F0} ms over {delays.Count} events");
        Assert.All(delays, d => Assert.True(d < 2_000, $"{d:F0} ms"));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task EveryPage_DeepLink_RendersItsContentWithoutAnError()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var registry = new Persona.Models.Registry.ModelRegistry(Path.Combine(dir, "models"));
        var older = TestModels.AddSentimentModel(registry, seed: 1).Metadata;
        TestModels.AddSentimentModel(registry, seed: 2, created: DateTimeOffset.UtcNow.AddSeconds(1));
        await using var server = await TestServer.StartAsync(dataDir: dir);
        var seeded = await Seed(server);
        await RecommendationsApiTests.UntilIndexed(server, seeded);
        using (var rule = new StringContent("""{"rule":"counters.view.total >= 1"}""", Encoding.UTF8, "application/json"))
        {
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutAsync(new Uri("/v1/segments/viewers", UriKind.Relative), rule)).StatusCode);
        }

        using (var experiment = new StringContent("""{"variants":[{"name":"control","weight":1,"policy":"popularity"},{"name":"treatment","weight":1}]}""", Encoding.UTF8, "application/json"))
        {
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutAsync(new Uri("/v1/experiments/blend-test", UriKind.Relative), experiment)).StatusCode);
        }

        await using var browser = await Browser();
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var errors = Errors(page);
        string[][] pages =
        [
            ["users/ana", "#recommendation-list"],
            ["segments", "tr[data-segment='viewers'] td.members"],
            ["analysis", "#analysis-funnel table"],
            ["experiments", "#experiment table"],
            ["models", "[data-kind='sentiment'] table"],
            ["system", "#health-status"],
        ];
        foreach (var (path, selector) in pages.Select(p => (p[0], p[1])))
        {
            await page.GotoAsync(new Uri(server.Client.BaseAddress!, "/ui/" + path).ToString());
            await Assertions.Expect(page.Locator(selector).First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#banner")).ToBeHiddenAsync();
            if (path == "system")
            {
                await Assertions.Expect(page.Locator("#ingest-rate")).ToContainTextAsync("events/s", new() { Timeout = 15_000 });
            }

            if (Environment.GetEnvironmentVariable("PERSONA_SCREENSHOTS") is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, path.Replace('/', '-') + ".png"), FullPage = true });
            }
        }

        // Promoting asks first, then the service serves the version promoted.
        await page.GotoAsync(new Uri(server.Client.BaseAddress!, "/ui/models").ToString());
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.ClickAsync($"tr:has-text('{older.Version}') button");
        await Assertions.Expect(page.Locator($"tr:has-text('{older.Version}')")).ToContainTextAsync("(active)");
        var served = await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/models", UriKind.Relative));
        Assert.Equal(older.Version, served!["active"]!["sentiment"]!.GetValue<string>());

        // The rule box checks as it is typed: a fault is shown at its character.
        await page.GotoAsync(new Uri(server.Client.BaseAddress!, "/ui/segments").ToString());
        await page.FillAsync("#rule-input", "rfm.frequency >= ");
        await Assertions.Expect(page.Locator("#rule-check")).ToContainTextAsync("^");
        await page.FillAsync("#rule-input", "rfm.frequency >= 2");
        await Assertions.Expect(page.Locator("#rule-check")).ToContainTextAsync("reads rfm.frequency");
        Assert.Empty(errors);
        await browser.DisposeAsync(); // first, so that no long poll of the page holds the service's stop
        await server.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task ModelsPage_KeyWithoutAdminScope_SaysItIsAnAdminPage()
    {
        await using var server = await TestServer.StartAsync();
        var key = server.Services.GetRequiredService<ApiKeys>().Create("reader", [Scopes.Read]).Secret;
        await using var browser = await Browser();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(server.Client.BaseAddress!, "/ui/models").ToString());
        await Assertions.Expect(page.Locator("#models-denied")).ToContainTextAsync("needs a key with the admin scope");
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#key-form button");

        await Assertions.Expect(page.Locator("#models-denied")).ToContainTextAsync("this route needs the 'admin' scope; the key 'reader' holds read");
    }

    [Fact]
    public async Task Console_AnyPath_TheAppPageWithAStrictContentPolicyAndNoKey()
    {
        await using var server = await TestServer.StartAsync();

        using var deep = await server.Client.GetAsync(new Uri("/ui/users/some%2Fone", UriKind.Relative));
        using var script = await server.Client.GetAsync(new Uri("/ui/app.js", UriKind.Relative));

        Assert.Equal((HttpStatusCode.OK, "text/html"), (deep.StatusCode, deep.Content.Headers.ContentType?.MediaType));
        Assert.Contains("default-src 'none'", deep.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("<script type=\"module\" src=\"/ui/app.js\">", await deep.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "text/javascript"), (script.StatusCode, script.Content.Headers.ContentType?.MediaType));
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri("/ui/app.js", UriKind.Relative));
        again.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await server.Client.SendAsync(again)).StatusCode);
    }

    private static async Task<BrowserSession> Browser()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: the console's tests drive Debian's chromium (apt-get install chromium; .ci/run installs it)");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new BrowserSession(playwright, browser);
    }

    private static List<string> Errors(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"{message.Text} ({message.Location})");
            }
        };
        return errors;
    }

    private static async Task<int> Seed(TestServer server)
    {
        var items = new[]
        {
            new { itemId = "lip1", categoryPath = new[] { "Beauty", "Lips" }, brand = "Acme", price = 12 },
            new { itemId = "lip2", categoryPath = new[] { "Beauty", "Lips" }, brand = "Acme", price = 14 },
            new { itemId = "eye1", categoryPath = new[] { "Beauty", "Eyes" }, brand = "Lumen", price = 9 },
            new { itemId = "book1", categoryPath = new[] { "Books" }, brand = "Pen", price = 30 },
            new { itemId = "book2", categoryPath = new[] { "Books" }, brand = "Pen", price = 25 },
        };
        await Post(server, "/v1/items", JsonSerializer.Serialize(items));
        var events = new List<string>();
        string[] users = ["ana", "ben", "cy"];
        for (var i = 0; i < 30; i++)
        {
            var user = users[i % 3];
            var item = user == "ana" ? (i % 2 == 0 ? "lip1" : "lip2") : items[i % items.Length].itemId;
            events.Add(JsonSerializer.Serialize(new { eventId = $"s{i}", type = i % 5 == 4 ? "purchase" : "view", userId = user, itemId = item, timestamp = T0 + (i * 60_000L), price = 12 }));
        }

        events.Add(JsonSerializer.Serialize(new { eventId = "rv", type = "review", userId = "ana", itemId = "lip1", timestamp = T0 + 3_600_000L, rating = 2, text = "Dried out in a week, disappointed." }));
        await Post(server, "/v1/events", string.Join('\n', events));
        return events.Count;
    }

    private static async Task Post(TestServer server, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/x-ndjson");
        using var response = await server.Client.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
    }

    /// <summary>Playwright and its browser, closed together.</summary>
    private sealed class BrowserSession(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public Task<IPage> NewPageAsync(BrowserNewPageOptions? options = null) => browser.NewPageAsync(options);

        private bool _closed;

        public async ValueTask DisposeAsync()
        {
            if (!_closed)
            {
                _closed = true;
                await browser.CloseAsync();
                playwright.Dispose();
            }
        }
    }
}
