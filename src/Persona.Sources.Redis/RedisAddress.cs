using StackExchange.Redis;

namespace Persona.Sources.Redis;

/// <summary>Reads a Redis address given as <c>redis://[:PASSWORD@]HOST:PORT[/DB]</c> or as a StackExchange.Redis configuration string.</summary>
public static class RedisAddress
{
    /// <summary>The client configuration for <paramref name="address"/>; false with the reason when it cannot be read.</summary>
    public static bool TryParse(string? address, out ConfigurationOptions options, out string error)
    {
        options = new ConfigurationOptions();
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(address))
        {
            error = "missing (redis://HOST:PORT)";
            return false;
        }

        try
        {
            options = address.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) ? FromUri(address) : ConfigurationOptions.Parse(address);
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException or FormatException)
        {
            error = $"'{address}' is not a Redis address ({ex.Message})";
            return false;
        }

        if (options.EndPoints.Count == 0)
        {
            error = $"'{address}' names no host";
            return false;
        }

        return true;
    }

    private static ConfigurationOptions FromUri(string address)
    {
        var uri = new Uri(address);
        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new UriFormatException("no host");
        }

        var options = new ConfigurationOptions { AbortOnConnectFail = false };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (uri.UserInfo is { Length: > 0 } user)
        {
            var colon = user.IndexOf(':', StringComparison.Ordinal);
            options.User = colon > 0 ? Uri.UnescapeDataString(user[..colon]) : null;
            options.Password = Uri.UnescapeDataString(colon >= 0 ? user[(colon + 1)..] : user);
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.Parse(path, System.Globalization.CultureInfo.InvariantCulture);
        }

        return options;
    }
}
