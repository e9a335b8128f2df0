using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Segments;

namespace Persona.Core.Tests;

public sealed class SegmentRuleTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly JsonElement AtRisk = Profile("""{"userId":"u1","lifecycle":"at-risk","eventCount":40,"rfm":{"frequency":3,"monetary":120.5,"recencyDays":35.2},"sessions":{"open":false},"priceLevel":null,"predictions":{"churnRisk":0.82,"purchasePropensity":0.1}}""");
    private static readonly JsonElement Fresh = Profile("""{"userId":"u2","lifecycle":"new","eventCount":2,"rfm":{"frequency":0,"monetary":0},"sessions":{"open":true}}""");

    [Theory]
    [InlineData("rfm.frequency >= 2 and lifecycle == \"at-risk\"", true, false)]
    [InlineData("churnRisk > 0.7", true, false)] // a model score, found under predictions
    [InlineData("predictions.churnRisk > 0.7", true, false)]
    [InlineData("lifecycle == \"new\" or rfm.frequency > 100", false, true)]
    [InlineData("not lifecycle == \"new\"", true, false)]
    [InlineData("not (lifecycle == \"new\" or eventCount < 10)", true, false)]
    [InlineData("lifecycle == \"new\" or eventCount >= 40 and rfm.monetary < 100", false, true)] // and binds tighter
    [InlineData("(lifecycle == \"new\" or eventCount >= 40) and rfm.monetary < 100", false, true)]
    [InlineData("sessions.open == true", false, true)]
    [InlineData("sessions.open != true", true, false)]
    [InlineData("rfm.recencyDays == null", false, true)] // missing on u2
    [InlineData("priceLevel == null", true, true)] // null on u1, missing on u2
    [InlineData("priceLevel > 0", false, false)]
    [InlineData("rfm.recencyDays != null", true, false)]
    [InlineData("nosuch.field < 3", false, false)]
    [InlineData("lifecycle > 3", false, false)] // a string is never ordered against a number
    [InlineData("lifecycle != 3", true, true)]
    [InlineData("userId < \"u2\"", true, false)] // ordinal string order
    [InlineData("rfm.monetary >= -1.5e1", true, true)]
    [InlineData("  rfm.frequency>=3   and   lifecycle==\"at-risk\"  ", true, false)]
    public void Matches_Rules_ExactOutcomes(string rule, bool atRisk, bool fresh)
    {
        var parsed = SegmentRule.Parse(rule);
        Assert.Equal(atRisk, parsed.Matches(AtRisk));
        Assert.Equal(fresh, parsed.Matches(Fresh));
    }

    [Fact]
    public void Parse_Paths_ListsTheFieldsRead()
    {
        Assert.Equal(["rfm.frequency", "lifecycle", "churnRisk"], SegmentRule.Parse("rfm.frequency >= 2 and (lifecycle == \"a\\\"b\" or not churnRisk < 0.5)").Paths);
    }

    [Fact]
    public void Matches_ServedProfile_ReadsItsJsonFields()
    {
        var engine = new ProfileEngine(new EngineConfig());
        var (catalog, events) = TestStreams.Shop(seed: 3, users: 5, events: 300);
        var state = TestStreams.Replay(engine, catalog, events).Values.First(s => s.EventCount > 10);
        var view = new ProfileReader(engine).Read(state, catalog, events.Max(e => e.TimestampMs));
        var json = JsonSerializer.SerializeToElement(view, Web);
        Assert.True(SegmentRule.Parse($"eventCount == {view.EventCount} and rfm.frequency == {view.Rfm.Frequency} and lifecycle == \"{view.Lifecycle}\"").Matches(json));
        Assert.False(SegmentRule.Parse($"eventCount > {view.EventCount}").Matches(json));
    }

    [Theory]
    [InlineData("", "expected a field name, found the end at character 1")]
    [InlineData("rfm.frequency", "expected one of == != < <= > >= at character 14")]
    [InlineData("rfm.frequency = 2", "expected one of == != < <= > >= at character 15")]
    [InlineData("rfm.frequency >= ", "expected a value, found the end at character 18")]
    [InlineData("lifecycle == \"at-risk", "unterminated string at character 14")]
    [InlineData("lifecycle == at-risk", "expected a number, a \"string\", true, false or null, found 'a' at character 14")]
    [InlineData("lifecycle == \"a\\nb\"", "only \\\" and \\\\ may be escaped at character 16")]
    [InlineData("a == 1 b == 2", "unexpected 'b' (expected and, or, or the end) at character 8")]
    [InlineData("(a == 1", "missing ')' at character 8")]
    [InlineData("a == 1 and", "expected a field name, found the end at character 11")]
    [InlineData("a. == 1", "expected a field name, found ' ' at character 3")]
    [InlineData("and == 1", "expected a field, found the keyword 'and' at character 1")]
    [InlineData("a == 1.2.3", "'1.2.3' is not a number at character 6")]
    [InlineData("a == 1e999", "'1e999' is not a number at character 6")]
    [InlineData("a == 1 AND b == 2", "unexpected 'A' (expected and, or, or the end) at character 8")]
    public void Parse_BadRule_NamesTheProblemAndWhere(string rule, string message)
    {
        var error = Assert.Throws<SegmentRuleException>(() => SegmentRule.Parse(rule));
        Assert.Equal("rule: " + message, error.Message);
    }

    [Fact]
    public void Parse_TooLongOrTooDeep_Refused()
    {
        Assert.Contains("longer than 4096", Assert.Throws<SegmentRuleException>(() => SegmentRule.Parse(new string(' ', 4_097))).Message, StringComparison.Ordinal);
        Assert.Contains("nested deeper than 32", Assert.Throws<SegmentRuleException>(() => SegmentRule.Parse(string.Concat(Enumerable.Repeat("not ", 40)) + "a == 1")).Message, StringComparison.Ordinal);
        Assert.Contains("nested deeper than 32", Assert.Throws<SegmentRuleException>(() => SegmentRule.Parse(new string('(', 40) + "a == 1" + new string(')', 40))).Message, StringComparison.Ordinal);
        Assert.True(SegmentRule.Parse(string.Concat(Enumerable.Repeat("not ", 31)) + "a == 1").Matches(Fresh)); // 31 nots of a false comparison (a is missing)
    }

    private static JsonElement Profile(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
