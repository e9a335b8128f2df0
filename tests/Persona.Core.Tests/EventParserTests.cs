using System.Text;
using FsCheck;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using Persona.Core.Events;
using Persona.Core.Ingest;

namespace Persona.Core.Tests;

public sealed class EventParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly EventParser Parser = new(new EventTypes(["wishlist"]), new FakeTimeProvider(Now));

    private static ParsedBatch<BehaviorEvent> Parse(string body) => Parser.ParseBody(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void ParseBody_ValidArray_AcceptsAllFields()
    {
        var batch = Parse("""[{"eventId":"e1","type":"purchase","userId":"u1","sessionId":"s1","itemId":"i9","timestamp":"2026-05-01T10:00:00Z","price":12.5,"quantity":2,"currency":"eur","recommendationId":"r1","context":{"device":"mobile","channel":"app","page":"/p","campaign":"x","n":3}}]""");
        var e = Assert.Single(batch.Accepted).Record;
        Assert.Empty(batch.Rejected);
        Assert.Equal((byte)EventType.Purchase, e.Type);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), e.TimestampMs);
        Assert.Equal(12.5, e.Price);
        Assert.Equal(2, e.Quantity);
        Assert.Equal("EUR", e.Currency);
        Assert.Equal("mobile", e.Context!.Device);
        Assert.Equal("3", e.Context.Values!["n"]);
    }

    [Fact]
    public void ParseBody_ReviewTextWithAScorer_SentimentScoredUnlessGivenAndOnlyForReviewsAndRatings()
    {
        var scored = new EventParser(new EventTypes(), new FakeTimeProvider(Now), text => text.Length / 100.0);
        var body = """
            {"eventId":"a","type":"review","userId":"u","itemId":"i","timestamp":1,"text":"twenty characters..."}
            {"eventId":"b","type":"review","userId":"u","itemId":"i","timestamp":1,"text":"twenty characters...","sentiment":0.9}
            {"eventId":"c","type":"search","userId":"u","timestamp":1,"text":"twenty characters..."}
            {"eventId":"d","type":"rate","userId":"u","itemId":"i","timestamp":1,"rating":4}
            """;

        var batch = scored.ParseBody(Encoding.UTF8.GetBytes(body));

        Assert.Equal([0.2, 0.9, null, null], batch.Accepted.Select(a => a.Record.Sentiment));
        Assert.Null(Parse("""{"eventId":"a","type":"review","userId":"u","itemId":"i","timestamp":1,"text":"great"}""").Accepted[0].Record.Sentiment);
    }

    [Fact]
    public void ParseBody_Ndjson_EpochMillisAndCustomType()
    {
        var batch = Parse("{\"eventId\":\"a\",\"type\":\"wishlist\",\"userId\":\"u\",\"timestamp\":1767225600000}\n\n{\"eventId\":\"b\",\"type\":\"search\",\"userId\":\"u\",\"timestamp\":1767225600001,\"text\":\"red lipstick\"}\n");
        Assert.Equal(2, batch.Accepted.Count);
        Assert.Equal("wishlist", Parser is null ? null : new EventTypes(["wishlist"]).NameOf(batch.Accepted[0].Record.Type));
    }

    [Theory]
    [InlineData("""{"type":"view","userId":"u","itemId":"i","timestamp":1}""", "eventId: missing")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i"}""", "timestamp: missing")]
    [InlineData("""{"eventId":"e","type":"rate","userId":"u","itemId":"i","timestamp":1,"rating":7}""", "rating: 7 is outside 1..5")]
    [InlineData("""{"eventId":"e","type":"rate","userId":"u","itemId":"i","timestamp":1}""", "rating: missing (required for rate events)")]
    [InlineData("""{"eventId":"e","type":"teleport","userId":"u","timestamp":1}""", "type: 'teleport' is not a known event type")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","timestamp":1}""", "itemId: missing")]
    [InlineData("""{"eventId":"e","type":"view","userId":42.5,"itemId":"i","timestamp":1}""", "userId: must be a string, not a number")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":"yesterday"}""", "timestamp: 'yesterday' is not an ISO-8601 time")]
    [InlineData("""{"eventId":"e","type":"purchase","userId":"u","itemId":"i","timestamp":1,"price":1e400}""", "price: 1e400 is not a finite number")]
    [InlineData("""{"eventId":"e","type":"purchase","userId":"u","itemId":"i","timestamp":1,"price":-3}""", "price: -3 is outside 0..1000000000")]
    [InlineData("""{"eventId":"e","type":"purchase","userId":"u","itemId":"i","timestamp":1,"quantity":1.5}""", "quantity: 1.5 is not an integer")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":99999999999999999999}""", "timestamp: 99999999999999999999 is not an integer of epoch milliseconds")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":"2030-01-01T00:00:00Z"}""", "timestamp: 2030-01-01T00:00:00.0000000+00:00 is more than a day in the future")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":1,"context":"web"}""", "context: must be an object, not a string")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":1,"currency":"euro"}""", "currency: longer than 3 characters")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":1,"context":{"device":7}}""", "context.device: must be a string, not a number")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":1,"context":{"channel":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}""", "context.channel: longer than 64 characters")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":1,"context":{"device":"mobile","campaign":[1]}}""", "context.campaign: must be a string, number or boolean")]
    [InlineData("""{"eventId":"e","type":"review","userId":"u","itemId":"i","timestamp":1,"sentiment":1.5}""", "sentiment: 1.5 is outside 0..1")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":1,"domain":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "domain: longer than 64 characters")]
    [InlineData("""{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":1,"platform":3}""", "platform: must be a string, not a number")]
    [InlineData("""[1]""", "record: must be an object, not a number")]
    public void ParseBody_BrokenRule_RejectedWithFieldAndRule(string record, string expected)
    {
        var body = record.StartsWith('[') ? record : "[" + record + "]";
        var batch = Parse(body);
        Assert.Empty(batch.Accepted);
        var error = Assert.Single(batch.Rejected);
        Assert.Contains(error.Errors, m => m.StartsWith(expected, StringComparison.Ordinal));
        Assert.Equal(record.StartsWith('[') ? "1" : record, batch.RejectedRaw[0]);
    }

    [Fact]
    public void ParseBody_SeveralBrokenRules_OneMessageEach()
    {
        var batch = Parse("""[{"eventId":"e","type":"rate","userId":"","itemId":"i","rating":0}]""");
        var errors = Assert.Single(batch.Rejected).Errors;
        Assert.Equal(["userId: must not be empty", "timestamp: missing", "rating: 0 is outside 1..5"], errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[{\"eventId\":")]
    [InlineData("{\"a\":1}\n{broken")]
    [InlineData("[1,2,,]")]
    [InlineData("not json")]
    public void ParseBody_Malformed_ThrowsMalformedBody(string body)
    {
        Assert.Throws<MalformedBodyException>(() => Parse(body));
    }

    [Fact]
    public void ParseBody_FieldOfEarlierRecordAbsentLater_NotCarriedOver()
    {
        var batch = Parse("""[{"eventId":"a","type":"purchase","userId":"u","itemId":"i","timestamp":1767225600000,"price":9.5,"quantity":3,"rating":4,"text":"t"},{"eventId":"b","type":"view","userId":"u","itemId":"i","timestamp":1767225600001}]""");
        Assert.Equal(2, batch.Accepted.Count);
        var second = batch.Accepted[1].Record;
        Assert.Null(second.Price);
        Assert.Null(second.Quantity);
        Assert.Null(second.Rating);
        Assert.Null(second.Text);
    }

    [Fact]
    public void ParseBody_EscapedAndRepeatedPropertyNames_ReadAsUnescapedLastWins()
    {
        var batch = Parse("""[{"\u0065ventId":"a","type":"view","userId":"u1","userId":"u2","item\u0049d":"i","timestamp":1767225600000},{"eventId":"b","type":"view","userId":"u3","itemId":"j","timestamp":1767225600001}]""");
        Assert.Empty(batch.Rejected);
        Assert.Equal(["a", "b"], batch.Accepted.Select(x => x.Record.EventId));
        Assert.Equal(["u2", "u3"], batch.Accepted.Select(x => x.Record.UserId));
        Assert.Equal(["i", "j"], batch.Accepted.Select(x => x.Record.ItemId!));
    }

    [Fact]
    public void ParseBody_RepeatedShortValues_EqualValuesAndOneContextPerDeviceAndChannel()
    {
        var batch = Parse("""
            [{"eventId":"a","type":"view","userId":"u","itemId":"i","timestamp":1767225600000,"context":{"device":"mobile","channel":"web"}},
             {"eventId":"b","type":"vi\u0065w","userId":"u","itemId":"i","timestamp":1767225600001,"currency":"\u0065ur","context":{"channel":"web","d\u0065vice":"mob\u0069le"}},
             {"eventId":"c","type":"VIEW","userId":"u","itemId":"i","timestamp":1767225600002,"currency":"eur","context":{"device":"mobile","channel":"web"}},
             {"eventId":"d","type":"view","userId":"u","itemId":"i","timestamp":1767225600003,"context":{"device":"mobile","channel":"app"}},
             {"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":1767225600004,"context":{}},
             {"eventId":"f","type":"view","userId":"u","itemId":"i","timestamp":1767225600005}]
            """);
        Assert.Empty(batch.Rejected);
        var e = batch.Accepted.Select(x => x.Record).ToArray();
        Assert.All(e, x => Assert.Equal((byte)EventType.View, x.Type));
        Assert.Equal([null, "EUR", "EUR", null, null, null], e.Select(x => x.Currency));
        var web = new EventContext { Device = "mobile", Channel = "web" };
        Assert.Equal([web, web, web, new EventContext { Device = "mobile", Channel = "app" }, null, null], e.Select(x => x.Context));
        Assert.Same(e[0].Context, e[2].Context);
        Assert.Same(e[0].Context!.Device, e[3].Context!.Device);
    }

    [Fact]
    public void ParseBody_NonAsciiAndLongContextValues_ReadWhole()
    {
        var long64 = new string('d', 64);
        var multibyte = string.Concat(Enumerable.Repeat("é", 40)); // 80 bytes, 40 characters
        var batch = Parse($$$"""
            [{"eventId":"a","type":"view","userId":"u","itemId":"i","timestamp":1767225600000,"context":{"device":"téléphone","channel":"{{{long64}}}"}},
             {"eventId":"b","type":"view","userId":"u","itemId":"i","timestamp":1767225600001,"context":{"device":"téléphone","channel":"{{{multibyte}}}"}}]
            """);
        Assert.Empty(batch.Rejected);
        var c = batch.Accepted.Select(x => x.Record.Context!).ToArray();
        Assert.Equal(["téléphone", "téléphone"], c.Select(x => x.Device));
        Assert.Equal([long64, multibyte], c.Select(x => x.Channel));
    }

    [Fact]
    public void ParseBody_ContextWithBadPartAndBadFreeKey_MessagesInFieldOrder()
    {
        var batch = Parse("""[{"eventId":"e","type":"view","userId":"u","itemId":"i","timestamp":1767225600000,"context":{"campaign":[1],"device":7}}]""");
        var error = Assert.Single(batch.Rejected);
        Assert.Equal(["context.device: must be a string, not a number", "context.campaign: must be a string, number or boolean of at most 256 characters"], error.Errors);
    }

    [Fact]
    public void ParseBody_ContextsWithPagesOrFreeKeys_KeptPerRecord()
    {
        var batch = Parse("""
            [{"eventId":"a","type":"view","userId":"u","itemId":"i","timestamp":1767225600000,"context":{"device":"mobile","channel":"web","page":"/a"}},
             {"eventId":"b","type":"view","userId":"u","itemId":"i","timestamp":1767225600001,"context":{"device":"mobile","channel":"web","page":"/b"}},
             {"eventId":"c","type":"view","userId":"u","itemId":"i","timestamp":1767225600002,"context":{"device":"mobile","channel":"web","campaign":"x"}},
             {"eventId":"d","type":"view","userId":"u","itemId":"i","timestamp":1767225600003,"context":{"device":"mobile","channel":"web"}}]
            """);
        var c = batch.Accepted.Select(x => x.Record.Context!).ToArray();
        Assert.Equal(["/a", "/b", null, null], c.Select(x => x.Page));
        Assert.Equal("x", Assert.Single(c[2].Values!).Value);
        Assert.Null(c[3].Values);
        Assert.Equal(["mobile"], c.Select(x => x.Device).Distinct());
    }

    [Fact]
    public void ParseBody_ManyDistinctPropertyNames_CustomContextKeptPerRecord()
    {
        var records = Enumerable.Range(0, 400).Select(i => $$"""{"eventId":"e{{i}}","type":"view","userId":"u","itemId":"i","timestamp":1767225600000,"context":{"k{{i}}":"v{{i}}"},"x{{i}}":1}""");
        var batch = Parse("[" + string.Join(",", records) + "]");
        Assert.Equal(400, batch.Accepted.Count);
        Assert.All(batch.Accepted, x => Assert.Equal($"v{x.Index}", Assert.Single(x.Record.Context!.Values!).Value));
    }

    [Fact]
    public void ParseOne_SingleRecordEscapedAndRepeatedNames_ReadAsUnescapedLastWins()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"\u0065ventId":"a","type":"view","userId":"u1","userId":"u2","itemId":"i","timestamp":1767225600000}""");

        var (e, error) = Parser.ParseOne(doc.RootElement, 0, Now.ToUnixTimeMilliseconds());

        Assert.Null(error);
        Assert.Equal("a", e!.EventId);
        Assert.Equal("u2", e.UserId);
    }

    [Fact]
    public void ParseBody_InvalidUtf8_ThrowsMalformedBody()
    {
        byte[] body = [.. "[{\"eventId\":\""u8, 0xC3, 0x28, .. "\"}]"u8];
        Assert.Throws<MalformedBodyException>(() => Parser.ParseBody(body));
    }

    [Property(MaxTest = 300)]
    public bool ParseBody_ArbitraryBytes_NeverThrowsAnythingElse(byte[] bytes)
    {
        try
        {
            var batch = Parser.ParseBody(bytes);
            return batch.Total >= 0;
        }
        catch (MalformedBodyException)
        {
            return true;
        }
    }

    [Property(MaxTest = 300)]
    public bool ParseBody_ArbitraryStringsInFields_NeverThrows(NonNull<string> a, NonNull<string> b, int n)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new object[]
        {
            new { eventId = a.Get, type = b.Get, userId = a.Get, itemId = b.Get, timestamp = n, rating = n, price = n },
            new { eventId = n, type = "view", userId = b.Get, itemId = n, timestamp = a.Get },
        });
        var batch = Parse(json);
        return batch.Total == 2;
    }
}
