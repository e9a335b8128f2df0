using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Persona.Server.Security;
using Persona.Serving;
using Persona.Serving.Access;
using Persona.Storage.RocksDb.Hosting;

namespace Persona.Server.Tests;

/// <summary>Keys, scopes, rate limits and the audit log, over the real route table.</summary>
public sealed class AccessTests : IAsyncLifetime
{
    private static readonly AccessOptions Unlimited = new() { RateLimits = Scopes.All.ToDictionary(s => s, _ => 0) };
    private TestServer _server = null!;
    private readonly Dictionary<string, string> _keyFor = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(access: Unlimited);
        var keys = _server.Services.GetRequiredService<ApiKeys>();
        foreach (var scope in Scopes.All)
        {
            _keyFor[scope] = keys.Create($"test {scope}", [scope]).Secret;
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Every route of the running service, with a concrete path: what the matrix runs over.</summary>
    private List<(string Method, string Path, RouteEndpoint Endpoint)> Routes()
    {
        var routes = new List<(string, string, RouteEndpoint)>();
        foreach (var endpoint in _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(s =>
                string.Concat(s.Parts.Select(p => p is Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l ? l.Content
                    : p is Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart pp ? (pp.Name == "documentName" ? "v1" : "probe-" + pp.Name) : string.Empty))));
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                routes.Add((method, path, endpoint));
            }
        }

        return routes;
    }

    private async Task<HttpResponseMessage> Send(string method, string path, string? key)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        // Headers only: a stream (the profile's server-sent events) never ends, and status and type are what is checked.
        return await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    [Fact]
    public void RouteTable_EveryRoute_HasAScopeOrIsOpenOnPurpose()
    {
        var routes = Routes();
        var open = routes.Where(r => r.Endpoint.Metadata.GetMetadata<OpenWithoutKey>() is not null).Select(r => r.Path).Order().ToList();

        Assert.True(routes.Count >= 28, $"{routes.Count} routes");
        Assert.All(routes, r => Assert.True(
            r.Endpoint.Metadata.GetMetadata<RequiredScope>() is not null ^ r.Endpoint.Metadata.GetMetadata<OpenWithoutKey>() is not null,
            $"{r.Method} {r.Path}: exactly one of a scope or open"));
        Assert.Equal(["/health", "/metrics", "/openapi/v1.json", "/ui", "/ui/probe-path"], open); // the console's files hold no data
    }

    [Fact]
    public async Task EveryRoute_NoKeyWrongScopeRightScope_401Then403ThenLetIn()
    {
        foreach (var (method, path, endpoint) in Routes())
        {
            var required = endpoint.Metadata.GetMetadata<RequiredScope>()?.Scope;
            using var none = await Send(method, path, null);
            if (required is null)
            {
                Assert.True(none.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{method} {path} is open, got {none.StatusCode}");
                continue;
            }

            var wrong = Scopes.All.First(s => s != required && s != Scopes.Admin);
            using var wrongScope = await Send(method, path, _keyFor[wrong]);
            using var rightScope = await Send(method, path, _keyFor[required]);
            using var admin = await Send(method, path, _keyFor[Scopes.Admin]);

            Assert.Equal((HttpStatusCode.Unauthorized, "application/problem+json"), (none.StatusCode, none.Content.Headers.ContentType?.MediaType));
            Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json"), (wrongScope.StatusCode, wrongScope.Content.Headers.ContentType?.MediaType));
            Assert.True(rightScope.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && (int)rightScope.StatusCode < 500, $"{method} {path} with '{required}': {rightScope.StatusCode}");
            Assert.True(admin.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{method} {path} with admin: {admin.StatusCode}");
        }
    }

    [Fact]
    public async Task OpenApi_Document_BearerSchemeAndEachScopedOperationsScopeAndAnswers()
    {
        using var document = System.Text.Json.JsonDocument.Parse(await _server.Client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        var root = document.RootElement;
        var profile = root.GetProperty("paths").GetProperty("/v1/users/{userId}/profile").GetProperty("get");
        var deleteSegment = root.GetProperty("paths").GetProperty("/v1/segments/{name}").GetProperty("delete");

        Assert.Equal("bearer", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("read", profile.GetProperty("security")[0].GetProperty("bearer")[0].GetString());
        Assert.Equal("admin", deleteSegment.GetProperty("security")[0].GetProperty("bearer")[0].GetString());
        Assert.True(profile.GetProperty("responses").TryGetProperty("401", out _) && profile.GetProperty("responses").TryGetProperty("403", out _) && profile.GetProperty("responses").TryGetProperty("429", out _));
        Assert.False(root.GetProperty("paths").GetProperty("/health").GetProperty("get").TryGetProperty("security", out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer psn_")]
    [InlineData("Bearer psn_0000_secret")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task GetProfile_BadOrMissingKey_401WithBearerChallenge(string? header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/users/u1/profile", UriKind.Relative));
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        using var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Authenticate_KeyWithAnotherSecret_Refused()
    {
        var genuine = _keyFor[Scopes.Read];
        var forged = genuine[..^SecretOf(genuine).Length] + new string('A', 43);

        using var response = await Send("GET", "/v1/users/u1/profile", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Revoke_KeyInUse_RefusedWithinASecond()
    {
        var keys = _server.Services.GetRequiredService<ApiKeys>();
        var (key, secret) = keys.Create("short-lived", [Scopes.Read]);
        using (var before = await Send("GET", "/v1/users/u1/profile", secret))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        // Revoked through another instance over the same file, as `persona keys revoke` does while the service runs.
        Assert.True(new ApiKeys(new ApiKeyFile(_server.DataDir), TimeProvider.System).Revoke(key.Id));
        await Task.Delay(1_100);

        using var after = await Send("GET", "/v1/users/u1/profile", secret);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public void KeyFile_AfterCreatingKeys_HoldsNoSecretAndIsTheOwnersOnly()
    {
        var text = File.ReadAllText(Path.Combine(_server.DataDir, ApiKeyFile.FileName));

        // A key reads psn_ID_SECRET; the secret (base64url) may itself hold '_', so it starts after the first '_' past the prefix.
        Assert.All(_keyFor.Values, key => Assert.DoesNotContain(SecretOf(key), text, StringComparison.Ordinal));
        Assert.All(_keyFor.Values, key => Assert.Equal(43, SecretOf(key).Length));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_server.DataDir, ApiKeyFile.FileName)));
        }
    }

    private static string SecretOf(string key)
    {
        var rest = key[ApiKeys.Prefix.Length..];
        return rest[(rest.IndexOf('_', StringComparison.Ordinal) + 1)..];
    }

    [Fact]
    public async Task PutSegment_WithTheAdminKey_AuditedWithKeyAndRouteButNoPath()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/v1/segments/audited", UriKind.Relative))
        {
            Content = new StringContent("""{"rule":"events.view >= 1"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _keyFor[Scopes.Admin]);
        using var response = await _server.Client.SendAsync(request);
        var keyId = _server.Services.GetRequiredService<ApiKeys>().List().Single(k => k.Name == "test admin").Id;

        var line = File.ReadAllLines(Path.Combine(_server.DataDir, AuditLog.FileName)).Last();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains($"\"keyId\":\"{keyId}\"", line, StringComparison.Ordinal);
        Assert.Contains("\"route\":\"/v1/segments/{name}\"", line, StringComparison.Ordinal);
        Assert.Contains("\"status\":201", line, StringComparison.Ordinal);
        Assert.DoesNotContain("audited", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_OverTheKeysLimit_429ProblemWithRetryAfter()
    {
        await using var server = await TestServer.StartAsync(access: new AccessOptions { RateLimits = new Dictionary<string, int> { [Scopes.Read] = 2 } });
        var secret = server.Services.GetRequiredService<ApiKeys>().Create("limited", [Scopes.Read]).Secret;
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 8 && limited is null; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/users/u1/profile", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            var response = await server.Client.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound], statuses.Take(4));
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
            Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 2);
        }
    }

    [Fact]
    public void Create_BeyondLoopbackWithoutKeys_RefusesToStart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var options = new ServerOptions { Serving = new ServingOptions { DataDirectory = dir }, Urls = $"http://0.0.0.0:{TestServer.FreePort()}" };
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => PersonaApp.Create(options, s => s.AddRocksDbProfileStore(new() { DataDirectory = dir })));
            Assert.Contains("--insecure-no-auth", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Create_BeyondLoopbackWithInsecureNoAuth_ServesWithoutKeys()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var port = TestServer.FreePort();
        var options = new ServerOptions { Serving = new ServingOptions { DataDirectory = dir }, Urls = $"http://0.0.0.0:{port}", Access = new AccessOptions { InsecureNoAuth = true } };
        await using (var app = PersonaApp.Create(options, s => s.AddRocksDbProfileStore(new() { DataDirectory = dir })))
        {
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var response = await client.GetAsync(new Uri("/v1/users/u1/profile", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await app.StopAsync();
        }

        Directory.Delete(dir, recursive: true);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://127.0.0.1:5080;http://[::1]:5081", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://10.1.2.3:5080", false)]
    [InlineData("http://127.0.0.1:5080;http://0.0.0.0:5081", false)]
    public void ListensOnLoopbackOnly_Urls_TellsLoopback(string urls, bool loopback) =>
        Assert.Equal(loopback, AccessMiddleware.ListensOnLoopbackOnly(urls));
}
