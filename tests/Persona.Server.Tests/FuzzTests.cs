using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Persona.Server.Tests;

/// <summary>
/// Every route of the running service, over and over, with hostile path values, query parameters and bodies
/// drawn from a seeded generator: no answer is a 5xx, every 4xx is problem+json, and the service stays healthy.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261207;
    private const int RequestsPerRoute = 40;

    private static readonly string[] Values =
    [
        "u1", string.Empty, " ", "x y", "%00", "..", "%2F", "%2e%2e%2F", "%ED%A0%80", "%FF", "ü", "💥", "\u200b", "a;b", "a,b", "-1", "0",
        "1e999", "NaN", "Infinity", "9223372036854775808", "2147483648", "true", "null", "[]", "{}", "'", "\"", "<script>", "=1+1",
        new string('a', 300), new string('z', 5_000), "drop table", "%", "%%", "%zz", "#", "?",
    ];

    private static readonly string[] QueryNames =
    [
        "k", "limit", "explain", "epsilon", "format", "cursor", "after", "waitMs", "seed", "exclude", "context.category", "context.item",
        "context.device", "unknown", "k[]", string.Empty,
    ];

    private static readonly string[] Bodies =
    [
        string.Empty, "{}", "[]", "null", "42", "\"text\"", "{", "[{", "{\"a\":", "{\"variants\":[{\"name\":\"a\"},{\"name\":\"a\"}]}",
        "{\"variants\":[{\"name\":\"a\",\"weight\":1e999},{\"name\":\"b\",\"blend\":{\"nope\":1}}]}",
        "{\"rule\":\"\"}", "{\"rule\":\"((((((((((\"}", "{\"rule\":\"eventCount >= \\\"x\\\"\"}", "{\"rule\":\"a.b.c.d.e.f.g.h.i.j.k.l == 1\"}",
        "{\"budget\":-1,\"discounts\":[2]}", "{\"budget\":1e308,\"discounts\":[0.1],\"segment\":\"\\ud800\"}", "{\"budget\":10,\"discounts\":[],\"limit\":-5}",
        "{\"eventId\":\"e\",\"userId\":\"\\ud800\",\"type\":\"view\",\"timestamp\":1}", "{\"userId\":\"u\",\"consent\":{\"a\":true,\"a\":false}}",
        "{\"itemId\":\"i\",\"price\":-1,\"categoryPath\":\"a/b/c\"}", "[1,2,3]", "{\"a\":" + new string('[', 200) + new string(']', 200) + "}",
        "\u0000\u0001\u0002", "{\"x\":\"" + new string('y', 100_000) + "\"}",
    ];

    [Fact]
    public async Task EveryRoute_HostileRequests_No5xxEvery4xxProblemJsonAndStillHealthy()
    {
        await using var server = await TestServer.StartAsync();
        var random = new Random(Seed);
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Pattern: e.RoutePattern)))
            .ToList();
        var sent = 0;
        var statuses = new SortedDictionary<int, int>();
        foreach (var (method, pattern) in routes)
        {
            for (var n = 0; n < RequestsPerRoute; n++)
            {
                var path = "/" + string.Join('/', pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart { Name: "documentName" } => "v1",
                    RoutePatternParameterPart => Pick(random, Values),
                    _ => string.Empty,
                }))));
                var query = string.Join('&', Enumerable.Range(0, random.Next(4)).Select(_ => $"{Pick(random, QueryNames)}={Pick(random, Values)}"));
                var uri = path + (query.Length > 0 ? "?" + query : string.Empty);
                using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(uri.Replace("waitMs=", "waitMs=1", StringComparison.Ordinal), UriKind.Relative));
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent(Pick(random, Bodies), Encoding.UTF8, random.Next(2) == 0 ? "application/json" : "application/x-ndjson");
                }

                using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                sent++;
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var shown = uri.Length > 300 ? uri[..300] + "..." : uri;
                var text = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? string.Empty : await response.Content.ReadAsStringAsync(); // a stream never ends
                Assert.True(status < 500, $"{method} {shown}: {status} {text}");
                Assert.True(status != 403, $"{method} {shown}: 403 without keys in force: {text}");

                // The transport refuses some requests before the service sees them (a request line too long: 414,
                // headers too large: 431) with an empty body; every answer of the service with a body is problem+json.
                if (status >= 400 && text.Length > 0)
                {
                    Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{method} {shown}: {status} as {response.Content.Headers.ContentType}: {text}");
                }
            }
        }

        using var health = await server.Client.GetAsync(new Uri("/health", UriKind.Relative));
        output.WriteLine($"seed {Seed}: {sent} requests over {routes.Count} routes; statuses {string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"))}");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
