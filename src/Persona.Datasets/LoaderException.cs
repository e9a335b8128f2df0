namespace Persona.Datasets;

/// <summary>A dataset line that cannot be read, with its file and line number.</summary>
public sealed class LoaderException : Exception
{
    public LoaderException()
    {
    }

    public LoaderException(string message)
        : base(message)
    {
    }

    public LoaderException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
