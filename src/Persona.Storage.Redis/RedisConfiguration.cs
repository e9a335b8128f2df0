using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>Reads <see cref="RedisStoreOptions.Configuration"/>: a StackExchange.Redis configuration string, or a <c>redis://</c> / <c>rediss://</c> URL.</summary>
public static class RedisConfiguration
{
    /// <summary>The client options <paramref name="configuration"/> names, or false and why not.</summary>
    public static bool TryParse(string configuration, [NotNullWhen(true)] out ConfigurationOptions? options, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options = null;
        error = null;
        try
        {
            options = configuration.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || configuration.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase)
                ? FromUrl(configuration)
                : ConfigurationOptions.Parse(configuration);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException)
        {
            error = ex.Message;
            return false;
        }

        if (options.EndPoints.Count == 0)
        {
            error = "no host named";
            options = null;
            return false;
        }

        return true;
    }

    /// <summary>The client options <paramref name="configuration"/> names; throws <see cref="ArgumentException"/> when it names none.</summary>
    public static ConfigurationOptions Parse(string configuration) =>
        TryParse(configuration, out var options, out var error) ? options : throw new ArgumentException($"invalid Redis configuration '{configuration}': {error}", nameof(configuration));

    private static ConfigurationOptions FromUrl(string url)
    {
        var uri = new Uri(url);
        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("no host in the URL");
        }

        var options = new ConfigurationOptions { Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort ? 6379 : uri.Port);
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            (options.User, options.Password) = parts.Length == 2
                ? (NullIfEmpty(Uri.UnescapeDataString(parts[0])), Uri.UnescapeDataString(parts[1]))
                : (null, Uri.UnescapeDataString(parts[0]));
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.Parse(path, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return options;
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
