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
    [InlineData("Zoe\u0308", "Zo\u00eb")] // e + combining diaeresis: the precomposed ë
    [InlineData(" Zo\u00eb", "Zo\u00eb")]
    [InlineData("\u212b", "\u00c5")] // the angstrom sign: the letter Å
    [InlineData("\u1100\u1161", "\uac00")] // Hangul jamo: the syllable
    public void Normalize_DecomposedOrCompatibleSpellings_OneNfcSpelling(string id, string expected) =>
        Assert.Equal(expected, Ids.Normalize(id));

    [Theory]
    [InlineData("a%2Fb", "a/b")]
    [InlineData("a%2fb", "a/b")]
    [InlineData("50%25", "50%25")]
    [InlineData(" u1", "u1")]
    public void FromPath_EscapedSlashAndSpace_TheStoredId(string segment, string expected) =>
        Assert.Equal(expected, Ids.FromPath(segment));
}
