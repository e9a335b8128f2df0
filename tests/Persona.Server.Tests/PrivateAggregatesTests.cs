using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Persona.Server.Security;
using Persona.Serving.Privacy;

namespace Persona.Server.Tests;

public sealed class PrivateAggregatesTests
{
    [Fact]
    public void Sample_TwentyThousandDraws_MeanZeroMeanAbsoluteErrorTheScaleAndNinetyFivePercentWithinTheInterval()
    {
        const double scale = 2;
        var draws = Enumerable.Range(0, 20_000).Select(_ => LaplaceMechanism.Sample(scale)).ToList();

        // Standard errors: mean 2·√2/√20000 = 0.02; mean |x| 2/√20000 = 0.014; the share within ±b·ln 20, 0.0015.
        Assert.InRange(draws.Average(), -0.1, 0.1);
        Assert.InRange(draws.Average(Math.Abs), scale - 0.1, scale + 0.1);
        Assert.InRange(draws.Count(d => Math.Abs(d) <= LaplaceMechanism.Interval95(scale)) / 20_000.0, 0.94, 0.96);
    }

    [Fact]
    public async Task GetSegment_WithEpsilon_NoisyCountWithItsNoteUntilTheBudgetIsSpent()
    {
        await using var server = await TestServer.StartAsync(access: new AccessOptions { PrivacyBudgetPerDay = 3 });
        var t = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var events = string.Join('\n', Enumerable.Range(0, 50).Select(i => $$"""{"eventId":"p{{i}}","type":"view","userId":"pu{{i}}","itemId":"i1","timestamp":{{t + i}}}"""));
        using (var content = new StringContent(events, Encoding.UTF8, "application/x-ndjson"))
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), content)).StatusCode);
        }

        using (var rule = new StringContent("""{"rule":"eventCount >= 1"}""", Encoding.UTF8, "application/json"))
        {
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutAsync(new Uri("/v1/segments/viewers", UriKind.Relative), rule)).StatusCode);
        }

        for (var i = 0; i < 100 && (await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/viewers", UriKind.Relative))).GetProperty("members").GetInt32() < 50; i++)
        {
            await Task.Delay(50);
        }

        var answers = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/viewers?epsilon=1", UriKind.Relative)));
        }

        using var spent = await server.Client.GetAsync(new Uri("/v1/segments/viewers?epsilon=0.5", UriKind.Relative));

        var note = answers[0].GetProperty("privacy");
        Assert.Equal(("laplace", 1.0, 1.0, 1.0), (note.GetProperty("mechanism").GetString(), note.GetProperty("epsilon").GetDouble(), note.GetProperty("sensitivity").GetDouble(), note.GetProperty("expectedAbsoluteError").GetDouble()));
        Assert.Equal([2.0, 1.0, 0.0], answers.Select(a => a.GetProperty("privacy").GetProperty("budgetLeftToday").GetDouble()));
        Assert.All(answers, a => Assert.InRange(a.GetProperty("segment").GetProperty("members").GetInt32(), 50 - 15, 50 + 15)); // |noise| > 15 has probability e^-15
        Assert.Equal(HttpStatusCode.TooManyRequests, spent.StatusCode);
        Assert.Contains("Privacy budget spent", await spent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(50, (await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/viewers", UriKind.Relative))).GetProperty("members").GetInt32());
    }

    [Theory]
    [InlineData("/v1/segments?epsilon=0")]
    [InlineData("/v1/segments?epsilon=-1")]
    [InlineData("/v1/segments?epsilon=abc")]
    [InlineData("/v1/segments?epsilon=11")]
    [InlineData("/v1/discovery/rfm?epsilon=NaN")]
    public async Task Aggregates_BadEpsilon_400NamingIt(string path)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("epsilon:", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rfm_WithEpsilon_CellCountsOnlyWithTheirNote()
    {
        await using var server = await TestServer.StartAsync();
        var t = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        var events = string.Join('\n', Enumerable.Range(0, 30).Select(i => $$"""{"eventId":"r{{i}}","type":"purchase","userId":"ru{{i}}","itemId":"i1","price":{{10 + i}},"timestamp":{{t + i}}}"""));
        using (var content = new StringContent(events, Encoding.UTF8, "application/x-ndjson"))
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), content)).StatusCode);
        }

        var report = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/discovery/rfm?epsilon=2", UriKind.Relative));

        Assert.Equal((2.0, 1.0), (report.GetProperty("privacy").GetProperty("epsilon").GetDouble(), report.GetProperty("privacy").GetProperty("scale").GetDouble()));
        Assert.Equal(report.GetProperty("cells").EnumerateArray().Sum(c => c.GetProperty("customers").GetInt64()), report.GetProperty("customers").GetInt64());
        Assert.All(report.GetProperty("cells").EnumerateArray(), c => Assert.False(c.TryGetProperty("meanMonetary", out _)));
        Assert.InRange(report.GetProperty("customers").GetInt64(), 15, 45);
    }
}
