using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Persona.Server.Tests;

/// <summary>Malformed requests get clear 4xx answers, write nothing partial, and leave the service healthy.</summary>
public sealed class BadInputTests
{
    private const string Valid = """{"eventId":"ok1","type":"view","userId":"u1","itemId":"i1","timestamp":1767225600000}""";

    public static TheoryData<string, string, HttpStatusCode, string> Cases => new()
    {
        { "broken json", "[" + Valid + ",{\"eventId\":", HttpStatusCode.BadRequest, "body: invalid JSON" },
        { "broken ndjson line", Valid + "\n{nope}\n", HttpStatusCode.BadRequest, "body: invalid JSON on NDJSON line 2" },
        { "empty body", "", HttpStatusCode.BadRequest, "body: empty" },
        { "not an object", "[42]", HttpStatusCode.BadRequest, "record: must be an object" },
        { "wrong types", """[{"eventId":["x"],"type":"view","userId":{"a":1},"itemId":"i","timestamp":true}]""", HttpStatusCode.BadRequest, "eventId: must be a string" },
        { "missing fields", """[{"type":"view"}]""", HttpStatusCode.BadRequest, "eventId: missing" },
        { "huge numbers", """[{"eventId":"h","type":"purchase","userId":"u","itemId":"i","timestamp":1,"price":1e999,"quantity":1e30}]""", HttpStatusCode.BadRequest, "price: 1e999 is not a finite number" },
        { "unknown type", """[{"eventId":"t","type":"teleport","userId":"u","timestamp":1}]""", HttpStatusCode.BadRequest, "type: 'teleport' is not a known event type" },
        { "deep nesting", new string('[', 100) + new string(']', 100), HttpStatusCode.BadRequest, "body: invalid JSON" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PostEvents_BadBody_Clear4xxNothingWritten(string name, string body, HttpStatusCode status, string message)
    {
        await using var server = await TestServer.StartAsync();
        var response = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == status, name);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertHealthyAndEmpty(server);
    }

    [Fact]
    public async Task PostEvents_TenMegabyteBody_413ProblemJson()
    {
        await using var server = await TestServer.StartAsync(maxBodyBytes: 8 * 1024 * 1024);
        var big = "[" + string.Join(',', Enumerable.Repeat(Valid, (10 * 1024 * 1024 / Valid.Length) + 1)) + "]";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/events", UriKind.Relative)) { Content = new StringContent(big, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true; // the service answers 413 before the body is sent
        // The client waits for that answer before sending the body; its default wait (1 s) can pass on a loaded
        // machine, and the body then meets a closed connection instead of the answer.
        using var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) }) { BaseAddress = server.Client.BaseAddress };
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertHealthyAndEmpty(server);
    }

    [Fact]
    public async Task PostEvents_InvalidUtf8_400ProblemJson()
    {
        await using var server = await TestServer.StartAsync();
        byte[] body = [.. "[{\"eventId\":\""u8, 0xFF, 0xFE, .. "\",\"type\":\"view\"}]"u8];
        using var content = new ByteArrayContent(body);
        var response = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("body: not valid UTF-8", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertHealthyAndEmpty(server);
    }

    [Theory]
    [InlineData("/v1/events", """{"eventId":"s1","type":"view","userId":"\ud800","itemId":"i1","timestamp":1767225600000}""")]
    [InlineData("/v1/events", """{"eventId":"s1","type":"view","userId":"u1","itemId":"i1","timestamp":1767225600000,"context":{"\udc00":"x"}}""")]
    [InlineData("/v1/items", """{"itemId":"i\ud800x","categoryPath":["a"],"price":1}""")]
    [InlineData("/v1/users", """{"userId":"u\udfff"}""")]
    public async Task PostRecords_LoneSurrogateEscape_ThatRecordRefusedTheOthersKept(string path, string bad)
    {
        await using var server = await TestServer.StartAsync();
        var good = path switch
        {
            "/v1/events" => Valid,
            "/v1/items" => """{"itemId":"i2","categoryPath":["a"],"price":1}""",
            _ => """{"userId":"u2"}""",
        };

        var response = await server.Client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(bad + "\n" + good, Encoding.UTF8, "application/x-ndjson"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"accepted\":1", body, StringComparison.Ordinal);
        Assert.Contains("not valid Unicode", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"userId":"u1","consent":{"marketing":true,"marketing":false}}""", "consent: 'marketing' is given more than once")]
    [InlineData("""{"userId":"u1","consent":{"":true}}""", "consent: at most 32 flags")]
    public async Task PostUsers_AmbiguousOrOversizedConsent_400NamingIt(string record, string message)
    {
        await using var server = await TestServer.StartAsync();

        var response = await server.Client.PostAsync(new Uri("/v1/users", UriKind.Relative), new StringContent("[" + record + "]", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PUT", "/v1/experiments/big", false)]
    [InlineData("POST", "/v1/marketing/coupons", false)]
    [InlineData("PUT", "/v1/segments/big", true)]
    public async Task JsonRoutes_BodyOverTheLimit_413ProblemNot500(string method, string path, bool chunked)
    {
        await using var server = await TestServer.StartAsync(maxBodyBytes: 64 * 1024);
        var payload = Encoding.UTF8.GetBytes("{\"variants\":[" + new string(' ', 200 * 1024) + "]}");
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative))
        {
            Content = chunked ? new StreamContent(new MemoryStream(payload)) : new ByteArrayContent(payload),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await server.Client.SendAsync(request);

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        await AssertHealthyAndEmpty(server);
    }

    [Fact]
    public async Task PostEvents_TooManyRecords_413()
    {
        await using var server = await TestServer.StartAsync();
        var body = string.Join('\n', Enumerable.Range(0, 5_001).Select(i => Valid.Replace("ok1", $"e{i}", StringComparison.Ordinal)));
        var response = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertHealthyAndEmpty(server);
    }

    [Fact]
    public async Task PostEvents_MixedBatch_200WithPerRecordErrorsAndDeadLetter()
    {
        await using var server = await TestServer.StartAsync();
        var body = "[" + Valid + """,{"eventId":"bad","type":"rate","userId":"u1","itemId":"i1","timestamp":1767225600000,"rating":7}]""";
        var response = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, json.GetProperty("accepted").GetInt32());
        Assert.Equal(1, json.GetProperty("rejected").GetInt32());
        var error = json.GetProperty("errors")[0];
        Assert.Equal(1, error.GetProperty("index").GetInt32());
        Assert.Equal("rating: 7 is outside 1..5", error.GetProperty("errors")[0].GetString());

        var again = await server.Client.PostAsync(new Uri("/v1/events", UriKind.Relative), new StringContent("[" + Valid + "]", Encoding.UTF8, "application/json"));
        var againJson = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, againJson.GetProperty("accepted").GetInt32());
        Assert.Equal(1, againJson.GetProperty("duplicate").GetInt32());

        var dead = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/deadletter", UriKind.Relative));
        Assert.Equal("bad", dead[0].GetProperty("id").GetString());
        Assert.Contains("\"rating\":7", dead[0].GetProperty("record").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/items", """[{"itemId":"x","price":"cheap"}]""", "price: must be a number, not a string")]
    [InlineData("/v1/items", """[{"itemId":"x","categoryPath":[1,2]}]""", "categoryPath: every element must be a non-empty string")]
    [InlineData("/v1/users", """[{"userId":"x","signupTime":"never"}]""", "signupTime: 'never' is not an ISO-8601 time")]
    [InlineData("/v1/users", """[{"userId":"x","consent":{"email":"yes"}}]""", "consent: must be an object of booleans")]
    public async Task PostCatalogOrUsers_BadRecord_400NamingFieldAndRule(string path, string body, string message)
    {
        await using var server = await TestServer.StartAsync();
        var response = await server.Client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetProfile_BadK_400()
    {
        await using var server = await TestServer.StartAsync();
        var response = await server.Client.GetAsync(new Uri("/v1/users/u1/profile?k=1000", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task AssertHealthyAndEmpty(TestServer server)
    {
        var health = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/health", UriKind.Relative));
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal(0, health.GetProperty("logPosition").GetInt64());
        var profile = await server.Client.GetAsync(new Uri("/v1/users/u1/profile", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, profile.StatusCode);
    }
}
