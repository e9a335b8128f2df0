using System.CommandLine;
using Persona.LoadTest;

// HTTP load generators against a running `persona serve` on loopback; each prints its figures as JSON.
var root = new RootCommand("Persona load generators: HTTP runs against a service on loopback")
{
    LoadTestCommand.Create(),
    RecommendLoadCommand.Create(),
    SegmentProbeCommand.Create(),
    FeedCommand.Create(),
    CompareProfilesCommand.Create(),
};
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException or HttpRequestException)
{
    // A refused connection or a failed request names its cause; a stack trace would only hide it.
    Console.Error.WriteLine($"persona-loadtest: {ex.Message}");
    return 2;
}
