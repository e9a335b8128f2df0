namespace Persona.Core.Ingest;

/// <summary>The body is not a JSON array or NDJSON of objects (syntax error, invalid UTF-8, wrong nesting).</summary>
public sealed class MalformedBodyException : Exception
{
    public MalformedBodyException()
    {
    }

    public MalformedBodyException(string message)
        : base(message)
    {
    }

    public MalformedBodyException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
