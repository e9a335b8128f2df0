namespace Persona.Storage.Tests.InMemory;

/// <summary>Ways in which <see cref="InMemoryBackend"/> can break the backend contract on purpose, for tests of the suite itself.</summary>
[Flags]
public enum InMemoryFlaws
{
    None = 0,

    /// <summary>A commit asked to be durable is treated as one that is not.</summary>
    IgnoresDurable = 1,

    /// <summary><c>Sync</c> does nothing.</summary>
    SyncDoesNothing = 2,

    /// <summary>A commit is applied one entry at a time, so that a crash can fall between its parts.</summary>
    PiecewiseCommit = 4,

    All = IgnoresDurable | SyncDoesNothing | PiecewiseCommit,
}
