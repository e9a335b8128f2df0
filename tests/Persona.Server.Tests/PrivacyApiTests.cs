using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Persona.Server.Tests;

public sealed class PrivacyApiTests
{
    [Fact]
    public async Task Export_UserWithEventsConsentSegmentAndAnAnswer_EverythingHeldAboutThemOnly()
    {
        await using var server = await TestServer.StartAsync();
        var t = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var events = string.Join('\n',
            $$"""{"eventId":"x1","type":"view","userId":"ex1","itemId":"i1","timestamp":{{t}}}""",
            $$"""{"eventId":"x2","type":"purchase","userId":"ex1","itemId":"i1","price":9.5,"timestamp":{{t + 1}}}""",
            $$"""{"eventId":"y1","type":"view","userId":"other","itemId":"i1","timestamp":{{t + 2}}}""");
        await Post(server, "/v1/events", events);
        await Post(server, "/v1/users", """{"userId":"ex1","consent":{"marketing":false}}""");
        using (var segment = new StringContent("""{"rule":"rfm.frequency >= 1"}""", Encoding.UTF8, "application/json"))
        {
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutAsync(new Uri("/v1/segments/buyers", UriKind.Relative), segment)).StatusCode);
        }

        var answer = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/users/ex1/recommendations?k=3", UriKind.Relative));
        var recommendationId = answer.GetProperty("recommendationId").GetString();
        JsonElement export = default;
        for (var i = 0; i < 50; i++)
        {
            // The answer reaches the impression log and the segment its member within moments.
            export = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/users/ex1/export", UriKind.Relative));
            if (export.GetProperty("recommendationsServed").GetArrayLength() == 1 && export.GetProperty("segments").GetArrayLength() == 1)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal("ex1", export.GetProperty("userId").GetString());
        Assert.False(export.GetProperty("user").GetProperty("consent").GetProperty("marketing").GetBoolean());
        Assert.Equal(2, export.GetProperty("profile").GetProperty("eventCount").GetInt64());
        Assert.Equal(["x1", "x2"], export.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()));
        Assert.Equal(["buyers"], export.GetProperty("segments").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(recommendationId, export.GetProperty("recommendationsServed")[0].GetProperty("recommendationId").GetString());
        Assert.DoesNotContain("other", export.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_NothingHeld_404Problem()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client.GetAsync(new Uri("/v1/users/nobody/export", UriKind.Relative));

        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
    }

    [Fact]
    public async Task GetProfile_IdsWrittenWithSpacesOrASlash_ReadBackByTheirOneSpelling()
    {
        await using var server = await TestServer.StartAsync();
        var t = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        await Post(server, "/v1/events", string.Join('\n',
            $$"""{"eventId":"n1","type":"view","userId":" Zo\u00eb ","itemId":"i1","timestamp":{{t}}}""",
            $$"""{"eventId":"n2","type":"view","userId":"Zo\u00eb","itemId":"i1","timestamp":{{t + 1}}}""",
            $$"""{"eventId":"n3","type":"view","userId":"shop/42","itemId":"i1","timestamp":{{t + 2}}}"""));

        var zoe = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/users/Zo%C3%AB/profile", UriKind.Relative));
        var slashed = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/users/shop%2F42/profile", UriKind.Relative));
        using var segments = await server.Client.GetAsync(new Uri("/v1/users/shop%2F42/segments", UriKind.Relative));

        Assert.Equal(2, zoe.GetProperty("eventCount").GetInt64());
        Assert.Equal("shop/42", slashed.GetProperty("userId").GetString());
        Assert.Equal(HttpStatusCode.OK, segments.StatusCode);
    }

    private static async Task Post(TestServer server, string path, string ndjson)
    {
        using var content = new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson");
        using var response = await server.Client.PostAsync(new Uri(path, UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
