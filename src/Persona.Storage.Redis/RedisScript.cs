using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>
/// A Lua script run by its SHA-1 (EVALSHA: the text travels only the first time a server sees it). A server
/// that does not know it (a first call, a restart, another node) answers NOSCRIPT; the script is then sent
/// whole (EVAL), which also caches it there.
/// </summary>
internal sealed class RedisScript(string text)
{
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "Redis names cached scripts by their SHA-1; a name, not a security measure")]
    private readonly byte[] _sha = SHA1.HashData(Encoding.UTF8.GetBytes(text));

    public RedisResult Evaluate(IDatabase db, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return db.ScriptEvaluate(_sha, keys, values);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return db.ScriptEvaluate(text, keys, values);
        }
    }

    public async Task<RedisResult> EvaluateAsync(IDatabase db, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await db.ScriptEvaluateAsync(_sha, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await db.ScriptEvaluateAsync(text, keys, values).ConfigureAwait(false);
        }
    }
}
