using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Persona.Server.Tests;

/// <summary>GET /v1/analysis over a known shop: exact funnels, cohorts and levels; the cache; ε-private answers; bad input.</summary>
public sealed class AnalysisApiTests
{
    [Fact]
    public async Task Get_KnownShop_ExactFunnelCohortsInterestsAndLevels()
    {
        await using var server = await TestServer.StartAsync();
        await Seed(server);

        var report = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/analysis?fresh=true", UriKind.Relative)))!["report"]!;

        Assert.Equal(3, report["users"]!.GetValue<long>());
        var overall = report["funnel"]!["overall"]!;
        Assert.Equal((3L, 3L, 2L, 1L, 0.6667, 0.5), (overall["users"]!.GetValue<long>(), overall["viewed"]!.GetValue<long>(), overall["carted"]!.GetValue<long>(), overall["purchased"]!.GetValue<long>(), overall["viewToCart"]!.GetValue<double>(), overall["cartToPurchase"]!.GetValue<double>()));
        var byCategory = report["funnel"]!["byCategory"]!.AsArray().ToDictionary(r => r!["key"]!.GetValue<string>(), r => r!["users"]!.GetValue<long>());
        Assert.Equal(new Dictionary<string, long> { ["Beauty"] = 2, ["Books"] = 1 }, byCategory);
        var byChannel = report["funnel"]!["byChannel"]!.AsArray().ToDictionary(r => r!["key"]!.GetValue<string>(), r => r!["users"]!.GetValue<long>());
        Assert.Equal(new Dictionary<string, long> { ["app"] = 2, ["web"] = 1 }, byChannel);
        var cohort = report["cohorts"]!.AsArray().Single()!;
        Assert.Equal(3, cohort["users"]!.GetValue<long>());
        Assert.Equal(3, cohort["retained"]![0]!.GetValue<long>());
        Assert.Equal(["Beauty", "Books"], report["interests"]!.AsArray().Select(i => i!["category"]!.GetValue<string>()));
        var satisfaction = report["satisfaction"]!.AsArray().ToDictionary(b => b!["band"]!.GetValue<string>(), b => b!["users"]!.GetValue<long>());
        Assert.Equal((1L, 2L), (satisfaction["dissatisfied"], satisfaction["unknown"]));
        Assert.Equal("lifecycle", report["churnRisk"]!["source"]!.GetValue<string>());
        Assert.Equal(1.0, report["habits"]!["dayOfWeek"]!.AsArray().Sum(d => d!.GetValue<double>()) / 3, 3);
    }

    [Fact]
    public async Task Get_WithinAMinute_TheSameReportUnlessFresh()
    {
        await using var server = await TestServer.StartAsync();
        await Seed(server);
        var first = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/analysis", UriKind.Relative)))!["report"]!;
        await RecommendationsApiTests.Post(server, "/v1/events", JsonSerializer.Serialize(new { eventId = "late", type = "view", userId = "dee", itemId = "lip", timestamp = Time(9) }));

        var cached = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/analysis", UriKind.Relative)))!["report"]!;
        var fresh = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/analysis?fresh=true", UriKind.Relative)))!["report"]!;

        Assert.Equal((first["asOf"]!.GetValue<DateTimeOffset>(), 3L), (cached["asOf"]!.GetValue<DateTimeOffset>(), cached["users"]!.GetValue<long>()));
        Assert.Equal(4, fresh["users"]!.GetValue<long>());
    }

    [Fact]
    public async Task Get_WithEpsilon_NoisyCountsWithThePrivacyNote()
    {
        await using var server = await TestServer.StartAsync();
        await Seed(server);

        var answer = (await server.Client.GetFromJsonAsync<JsonObject>(new Uri("/v1/analysis?epsilon=1", UriKind.Relative)))!;

        var privacy = answer["privacy"]!;
        Assert.Equal(("laplace", 1.0, 33.0, 33.0), (privacy["mechanism"]!.GetValue<string>(), privacy["epsilon"]!.GetValue<double>(), privacy["sensitivity"]!.GetValue<double>(), privacy["scale"]!.GetValue<double>()));
        Assert.True(answer["report"]!["users"]!.GetValue<long>() >= 0);
    }

    [Theory]
    [InlineData("fresh=maybe", "fresh: 'maybe' is not true or false")]
    [InlineData("epsilon=0", "epsilon: '0' is not a number in (0, 10]")]
    public async Task Get_BadParameter_400ProblemNamingIt(string query, string detail)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client.GetAsync(new Uri("/v1/analysis?" + query, UriKind.Relative));

        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static long Time(int minutes) => DateTimeOffset.UtcNow.AddHours(-3).AddMinutes(minutes).ToUnixTimeMilliseconds();

    private static async Task Seed(TestServer server)
    {
        await RecommendationsApiTests.Post(server, "/v1/items", """[{"itemId":"lip","categoryPath":["Beauty","Lips"],"price":12},{"itemId":"book","categoryPath":["Books"],"price":30}]""");
        object E(string id, string type, string user, string item, int minute, string channel) =>
            new { eventId = id, type, userId = user, itemId = item, timestamp = Time(minute), price = item == "lip" ? 12 : 30, context = new { channel } };
        var events = new[]
        {
            E("a1", "view", "ann", "lip", 0, "app"), E("a2", "cart_add", "ann", "lip", 1, "app"), E("a3", "purchase", "ann", "lip", 2, "app"),
            E("b1", "view", "bob", "lip", 0, "app"), E("b2", "cart_add", "bob", "lip", 1, "app"),
            E("c1", "view", "cy", "book", 0, "web"),
        };
        var review = new { eventId = "a4", type = "review", userId = "ann", itemId = "lip", timestamp = Time(3), rating = 1, text = "Broke at once." };
        await RecommendationsApiTests.Post(server, "/v1/events", string.Join('\n', events.Select(e => JsonSerializer.Serialize(e)).Append(JsonSerializer.Serialize(review))));
    }
}
