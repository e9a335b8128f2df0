using System.Text.Json;

namespace Persona.Server.Security;

/// <summary>
/// The record of changes made through the API with the admin or privacy scope (segments, experiments, models,
/// maintenance, erasures): when, which key (id and name), what (method and route template, never the path: a
/// path may hold a user id) and the status answered. One JSON line each in <c>audit.jsonl</c> in the data directory.
/// </summary>
public sealed class AuditLog(ServerOptions options)
{
    public const string FileName = "audit.jsonl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _lock = new();

    public string Path { get; } = System.IO.Path.Combine(options.DataDirectory, FileName);

    public void Append(AuditRecord record)
    {
        var line = JsonSerializer.Serialize(record, Json) + "\n";
        lock (_lock)
        {
            File.AppendAllText(Path, line);
        }
    }
}

/// <summary>One audited change.</summary>
public sealed record AuditRecord(DateTimeOffset At, string KeyId, string KeyName, string Method, string Route, int Status);
