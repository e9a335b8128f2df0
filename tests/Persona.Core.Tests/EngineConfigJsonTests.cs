using Persona.Core.Engine;

namespace Persona.Core.Tests;

public sealed class EngineConfigJsonTests
{
    [Fact]
    public void Parse_PartialFile_SetsGivenValuesAndLaysTypeWeightsOverTheDefaults()
    {
        var config = EngineConfigJson.Parse("""
            // comments are allowed
            { "categoryHalfLife": "7.00:00:00", "recentItems": 20, "typeWeights": { "purchase": 8, "wishlist": 2 }, "customEventTypes": ["wishlist"] }
            """);

        Assert.Equal(TimeSpan.FromDays(7), config.CategoryHalfLife);
        Assert.Equal(20, config.RecentItems);
        Assert.Equal(8, config.TypeWeights["purchase"]);
        Assert.Equal(2, config.TypeWeights["wishlist"]);
        Assert.Equal(1, config.TypeWeights["view"]);
        Assert.Equal(TimeSpan.FromDays(14), config.BrandHalfLife);
        Assert.Equal(["wishlist"], config.CustomEventTypes);
    }

    [Theory]
    [InlineData("""{"categoryHalfLif": "7.00:00:00"}""", "categoryHalfLif")]
    [InlineData("""{"recentItems": 5000}""", "recentItems: must be within 0..1000")]
    [InlineData("""{"sessionGap": "00:00:10"}""", "sessionGap: must be at least one minute")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""{"typeWeights": {"view": null}}""", "typeWeights.view: missing value")]
    public void Parse_BadConfiguration_RefusedNamingTheSetting(string json, string expected)
    {
        var error = Assert.ThrowsAny<Exception>(() => EngineConfigJson.Parse(json));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_SameSettingsInAnyOrder_EqualAndDifferentSettings_Differ()
    {
        var a = EngineConfigJson.Parse("""{"typeWeights": {"view": 2, "click": 3}, "maxInterests": 64}""");
        var b = EngineConfigJson.Parse("""{"maxInterests": 64, "typeWeights": {"click": 3, "view": 2}}""");
        var c = EngineConfigJson.Parse("""{"maxInterests": 65, "typeWeights": {"click": 3, "view": 2}}""");

        Assert.Equal(EngineConfigJson.Hash(a), EngineConfigJson.Hash(b));
        Assert.NotEqual(EngineConfigJson.Hash(a), EngineConfigJson.Hash(c));
        Assert.Equal(16, EngineConfigJson.Hash(a).Length);
        Assert.Equal(["maxInterests: 64 → 65"], EngineConfigJson.Differences(EngineConfigJson.Canonical(a), EngineConfigJson.Canonical(c)));
    }

    [Fact]
    public void Canonical_ParsedBack_SameConfigurationAndHash()
    {
        var config = new EngineConfig { TagHalfLife = TimeSpan.FromHours(36), RatingWeight = 2.25, CustomEventTypes = ["wishlist", "share"] };
        var back = EngineConfigJson.Parse(EngineConfigJson.Canonical(config));

        Assert.Equal(EngineConfigJson.Canonical(config), EngineConfigJson.Canonical(back));
        Assert.Equal(EngineConfigJson.Hash(new EngineConfig()), EngineConfigJson.Hash(EngineConfigJson.Parse("{}")));
    }
}
