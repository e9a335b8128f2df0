using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Persona.Server.Tests;

/// <summary>
/// The API document says how to call each route: query parameters with their real types and ranges (checked here
/// against the routes' answers at the edges), request bodies, and the problem answers.
/// </summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task Document_QueryParameters_TypedWithTheirRangesAndDefaults()
    {
        await using var server = await TestServer.StartAsync();
        using var document = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var paths = document.RootElement.GetProperty("paths");

        var limit = Parameter(paths, "/v1/churn/at-risk", "get", "limit");
        var epsilon = Parameter(paths, "/v1/segments", "get", "epsilon");
        var format = Parameter(paths, "/v1/segments/{name}/export", "get", "format");

        Assert.Equal(("integer", "1", "1000", 50), (limit.GetProperty("type").GetString(), limit.GetProperty("minimum").GetRawText(), limit.GetProperty("maximum").GetRawText(), limit.GetProperty("default").GetInt32()));
        Assert.Equal(("number", "0", "10"), (epsilon.GetProperty("type").GetString(), epsilon.GetProperty("exclusiveMinimum").GetRawText(), epsilon.GetProperty("maximum").GetRawText()));
        Assert.Equal(["json", "csv"], format.GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.True(paths.GetProperty("/v1/segments/{name}").GetProperty("put").GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(paths.GetProperty("/v1/events").GetProperty("post").GetProperty("responses").TryGetProperty("413", out _));
    }

    [Fact]
    public async Task DocumentedIntegerRanges_JustOutsideRefusedWith400AndTheMinimumTaken()
    {
        await using var server = await TestServer.StartAsync();
        var t = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        var events = string.Join('\n', Enumerable.Range(0, 30).Select(i => $$"""{"eventId":"o{{i}}","type":"purchase","userId":"ou{{i}}","itemId":"i{{i % 5}}","price":{{5 + i}},"timestamp":{{t + i}}}"""));
        using (var content = new StringContent(events, Encoding.UTF8, "application/x-ndjson"))
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), content)).StatusCode);
        }

        using var document = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var checkedParameters = 0;
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            if (!path.Value.TryGetProperty("get", out var get) || !get.TryGetProperty("parameters", out var parameters))
            {
                continue;
            }

            var url = path.Name.Replace("{userId}", "ou1", StringComparison.Ordinal).Replace("{name}", "nosuch", StringComparison.Ordinal);
            foreach (var p in parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query"))
            {
                var schema = p.GetProperty("schema");
                if (schema.GetProperty("type").GetString() != "integer" || !schema.TryGetProperty("minimum", out var min) || !schema.TryGetProperty("maximum", out var max))
                {
                    continue;
                }

                var name = p.GetProperty("name").GetString()!;
                var lo = long.Parse(min.GetRawText(), CultureInfo.InvariantCulture);
                var hi = decimal.Parse(max.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
                Assert.Equal(HttpStatusCode.BadRequest, await Status(server, $"{url}?{name}={(hi + 1).ToString(CultureInfo.InvariantCulture)}"));
                Assert.Equal(HttpStatusCode.BadRequest, await Status(server, $"{url}?{name}={lo - 1}"));
                Assert.NotEqual(HttpStatusCode.BadRequest, await Status(server, $"{url}?{name}={lo}"));
                checkedParameters++;
            }
        }

        Assert.True(checkedParameters >= 9, $"{checkedParameters} documented integer parameters checked");
    }

    private static JsonElement Parameter(JsonElement paths, string path, string method, string name) =>
        paths.GetProperty(path).GetProperty(method).GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name).GetProperty("schema");

    private static async Task<HttpStatusCode> Status(TestServer server, string url)
    {
        using var response = await server.Client.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead); // a stream never ends
        return response.StatusCode;
    }
}
