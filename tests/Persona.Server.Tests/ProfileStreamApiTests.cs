using System.Net;
using System.Text;
using System.Text.Json;

namespace Persona.Server.Tests;

/// <summary>The profile as server-sent events: 'none' before the first event, then a 'profile' per change.</summary>
public sealed class ProfileStreamApiTests
{
    [Fact]
    public async Task Stream_UserWithoutThenWithEvents_NoneThenTheProfileAtEachChange()
    {
        await using var server = await TestServer.StartAsync();
        using var response = await server.Client.GetAsync(new Uri("/v1/users/sse1/profile/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal((HttpStatusCode.OK, "text/event-stream"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal(("none", "{}"), await NextEvent(reader));
        var t = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        for (var i = 1; i <= 2; i++)
        {
            var body = JsonSerializer.Serialize(new { eventId = $"e{i}", type = "view", userId = "sse1", itemId = "i1", timestamp = t + i });
            using var posted = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

            var (type, data) = await NextEvent(reader);

            Assert.Equal("profile", type);
            using var profile = JsonDocument.Parse(data);
            Assert.Equal(("sse1", i), (profile.RootElement.GetProperty("userId").GetString(), profile.RootElement.GetProperty("eventCount").GetInt32()));
        }
    }

    [Theory]
    [InlineData("k=0", "k: 0 is outside 1..100")]
    [InlineData("k=x", "k: 'x' is not an integer")]
    public async Task Stream_BadK_400ProblemNamingIt(string query, string detail)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client.GetAsync(new Uri("/v1/users/u/profile/stream?" + query, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Contains(detail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<(string Type, string Data)> NextEvent(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string type = "message", data = string.Empty;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0 && data.Length > 0)
            {
                return (type, data);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        throw new InvalidOperationException("the stream ended");
    }
}
