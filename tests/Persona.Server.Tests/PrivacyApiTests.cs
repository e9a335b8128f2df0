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

    [Fact]
    public async Task EraseUser_WithEventsSegmentAndAnswers_GoneForEveryReadThenFromEveryFileAfterCompact()
    {
        const string Erased = "erase-me-7Qx2Zk";
        const string Kept = "keep-me-9Wd4Rj";
        await using var server = await TestServer.StartAsync();
        var t = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        await Post(server, "/v1/events", string.Join('\n',
            $$"""{"eventId":"e1","type":"view","userId":"{{Erased}}","itemId":"i1","timestamp":{{t}}}""",
            $$"""{"eventId":"e2","type":"purchase","userId":"{{Erased}}","itemId":"i1","price":9.5,"timestamp":{{t + 1}}}""",
            $$"""{"eventId":"k1","type":"purchase","userId":"{{Kept}}","itemId":"i2","price":3,"timestamp":{{t + 2}}}"""));
        await Post(server, "/v1/users", $$$"""{"userId":"{{{Erased}}}","consent":{"marketing":true}}""");
        using (var segment = new StringContent("""{"rule":"rfm.frequency >= 1"}""", Encoding.UTF8, "application/json"))
        {
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutAsync(new Uri("/v1/segments/buyers", UriKind.Relative), segment)).StatusCode);
        }

        var answer = await server.Client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/users/{Erased}/recommendations?k=3", UriKind.Relative));
        await server.Client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/users/{Kept}/recommendations?k=3", UriKind.Relative));
        await WaitFor(async () =>
        {
            var export = await server.Client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/users/{Erased}/export", UriKind.Relative));
            return export.GetProperty("recommendationsServed").GetArrayLength() == 1 && export.GetProperty("segments").GetArrayLength() == 1;
        });

        using var erased = await server.Client.DeleteAsync(new Uri($"/v1/users/{Erased}", UriKind.Relative));
        var result = await erased.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.True(result.GetProperty("found").GetBoolean());
        Assert.Equal(2, result.GetProperty("events").GetInt64());
        Assert.Equal(["buyers"], result.GetProperty("segmentsLeft").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(new Uri($"/v1/users/{Erased}/profile", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(new Uri($"/v1/users/{Erased}/export", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.DeleteAsync(new Uri($"/v1/users/{Erased}", UriKind.Relative))).StatusCode);
        var members = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/buyers/members", UriKind.Relative));
        Assert.Equal([Kept], members.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        var changes = await server.Client.GetFromJsonAsync<JsonElement>(new Uri("/v1/segments/changes?after=0", UriKind.Relative));
        Assert.Contains(changes.GetProperty("changes").EnumerateArray(), c => c.GetProperty("userId").GetString() == Erased && c.GetProperty("change").GetString() == "leave");
        var click = $$"""{"eventId":"c1","type":"click","userId":"{{Erased}}","itemId":"i1","recommendationId":"{{answer.GetProperty("recommendationId").GetString()}}","timestamp":{{t + 3}}}""";
        await Post(server, "/v1/events", click); // a click on an answer given before the erasure is not attributed to it
        var later = await server.Client.GetFromJsonAsync<JsonElement>(new Uri($"/v1/users/{Erased}/profile", UriKind.Relative));
        Assert.Equal(1, later.GetProperty("eventCount").GetInt64()); // a new, empty profile took the later event
        Assert.NotEmpty(FilesHolding(server.DataDir, Erased)); // the bytes are still in the files before the purge

        using var compact = await server.Client.PostAsync(new Uri("/v1/admin/compact", UriKind.Relative), null);
        var purge = await compact.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, compact.StatusCode);
        Assert.Equal(1, purge.GetProperty("erasuresPurged").GetInt32());
        Assert.Equal(1, purge.GetProperty("answersRemoved").GetInt64());

        using (var again = await server.Client.DeleteAsync(new Uri($"/v1/users/{Erased}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the later event's profile
        }

        using (var compactAgain = await server.Client.PostAsync(new Uri("/v1/admin/compact", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, compactAgain.StatusCode);
        }

        Assert.Empty(FilesHolding(server.DataDir, Erased));
        Assert.NotEmpty(FilesHolding(server.DataDir, Kept));
        var pseudonyms = Persona.Serving.Privacy.Pseudonyms.FromDirectory(server.DataDir);
        Assert.Empty(FilesHolding(server.DataDir, pseudonyms.Of(Erased)));
        Assert.NotEmpty(FilesHolding(server.DataDir, pseudonyms.Of(Kept))); // answers are logged under pseudonyms
    }

    [Fact]
    public async Task EraseUser_NothingHeld_404ProblemAndNothingPending()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client.DeleteAsync(new Uri("/v1/users/nobody", UriKind.Relative));

        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.False(File.Exists(Path.Combine(server.DataDir, Persona.Serving.Privacy.ErasureLedger.FileName)));
    }

    private static List<string> FilesHolding(string directory, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }
            catch (FileNotFoundException)
            {
                continue; // deleted while listed (an obsolete file)
            }

            if (bytes.AsSpan().IndexOf(needle) >= 0)
            {
                found.Add(Path.GetRelativePath(directory, file));
            }
        }

        return found;
    }

    private static async Task WaitFor(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(50);
        }
    }

    private static async Task Post(TestServer server, string path, string ndjson)
    {
        using var content = new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson");
        using var response = await server.Client.PostAsync(new Uri(path, UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
