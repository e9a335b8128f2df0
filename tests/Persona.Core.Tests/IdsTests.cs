using Persona.Core.Ingest;

namespace Persona.Core.Tests;

public sealed class IdsTests
{
    [Theory]
    [InlineData(" Zo\u00eb ", "Zo\u00eb")]
    [InlineData("\tu1\n", "u1")]
    [InlineData("u1", "u1")]
    public void Normalize_SurroundingSpace_Trimmed(string id, string expected) =>
        Assert.Equal(expected, Ids.Normalize(id));

    [Theory]
    [InlineData("a%2Fb", "a/b")]
    [InlineData("a%2fb", "a/b")]
    [InlineData("50%25", "50%25")]
    [InlineData(" u1", "u1")]
    public void FromPath_EscapedSlashAndSpace_TheStoredId(string segment, string expected) =>
        Assert.Equal(expected, Ids.FromPath(segment));
}
