using System.CommandLine;

namespace Persona.LoadTest;

/// <summary>The <c>--inline-io</c> option of the load generators, as <c>persona serve --inline-io</c>.</summary>
internal static class InlineIo
{
    public static Option<bool> Option(string description) => new("--inline-io") { Description = description };

    /// <summary>
    /// Lets socket completions run on the runtime's I/O threads instead of the thread pool, for this process.
    /// The runtime reads the setting once, when the process creates its first socket, so call it before any.
    /// </summary>
    public static void Enable() => Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}
