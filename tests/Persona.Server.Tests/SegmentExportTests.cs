using Persona.Serving.Segments;

namespace Persona.Server.Tests;

public sealed class SegmentExportTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("", "")]
    public void Field_FormulaPrefixOrSeparator_OpensAsText(string value, string field) =>
        Assert.Equal(field, SegmentExport.Field(value));
}
