namespace Persona.Serving.Hosting;

/// <summary>
/// The name of this server, kept in the data directory (<c>node.id</c>) so that it survives a restart: what a server
/// publishes to a shared store under its name (its experiment counts) is replaced, not added to, when it comes back
/// over the same data directory.
/// </summary>
public sealed class NodeIdentity(ServingOptions options)
{
    public const string FileName = "node.id";

    private readonly Lazy<string> _id = new(() => ReadOrCreate(Path.Combine(options.DataDirectory, FileName)));

    public string Id => _id.Value;

    private static string ReadOrCreate(string path)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } id)
        {
            return id;
        }

        id = Guid.NewGuid().ToString("N");
        DurableFile.Replace(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(id)));
        return id;
    }
}
