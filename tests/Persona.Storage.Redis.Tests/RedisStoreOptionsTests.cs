using System.Net;

namespace Persona.Storage.Redis.Tests;

public sealed class RedisStoreOptionsTests
{
    [Fact]
    public void Parse_RedisUrl_HostPortUserPasswordAndDatabase()
    {
        var options = RedisConfiguration.Parse("redis://app:s%40cret@cache.local:16400/2");
        Assert.Equal(new DnsEndPoint("cache.local", 16400), Assert.Single(options.EndPoints));
        Assert.Equal(("app", "s@cret", 2, false), (options.User, options.Password, options.DefaultDatabase, options.Ssl));
    }

    [Fact]
    public void Parse_TlsUrlWithoutPort_DefaultPortAndTls()
    {
        var options = RedisConfiguration.Parse("rediss://cache.local");
        Assert.Equal(new DnsEndPoint("cache.local", 6379), Assert.Single(options.EndPoints));
        Assert.True(options.Ssl);
    }

    [Fact]
    public void Parse_ClientConfigurationString_ReadAsIs()
    {
        var options = RedisConfiguration.Parse("127.0.0.1:16401,password=x");
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 16401), Assert.Single(options.EndPoints));
        Assert.Equal("x", options.Password);
    }

    [Theory]
    [InlineData("", "persona", "configuration: missing")]
    [InlineData("redis://", "persona", "configuration: ")]
    [InlineData("127.0.0.1:16400", "", "keyPrefix: missing")]
    [InlineData("127.0.0.1:16400", "a{b}", "keyPrefix: must not hold braces or spaces")]
    public void Validate_BadSettings_RefusedNamingTheSetting(string configuration, string prefix, string message)
    {
        var options = new RedisStoreOptions { Configuration = configuration, KeyPrefix = prefix };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
