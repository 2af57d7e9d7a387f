using System.Text;
using PodUnits.Cli.Commands;

namespace PodUnits.UnitTests.Cli;

/// <summary>What `podunits logs` and `status` print of a container's line: its control
/// characters as \xNN text, C1 ones whether UTF-8 or lone bytes (terminal review of
/// 2026-12-06, finding 2), every other character as it is.</summary>
public sealed class EscapeControlsTests
{
    [Theory]
    [InlineData(new byte[] { 0x61, 0x1B, 0x5B, 0x32, 0x4A }, "a\\x1b[2J")]
    [InlineData(new byte[] { 0x61, 0xC2, 0x9B, 0x32, 0x4A }, "a\\xc2\\x9b2J")] // U+009B, CSI
    [InlineData(new byte[] { 0x61, 0x9B, 0x32, 0x4A }, "a\\x9b2J")] // a lone 9B: CSI to an 8-bit terminal
    [InlineData(new byte[] { 0x09, 0x7F }, "\t\\x7f")]
    public void ControlsAreEscaped(byte[] line, string shown) =>
        Assert.Equal(shown, Encoding.Latin1.GetString(LogsCommand.EscapeControls(line)));

    [Theory]
    [InlineData("héllo wörld")]
    [InlineData("日本語")]
    [InlineData("emoji \U0001F600 ok")]
    [InlineData("¡ÿ")]
    public void TextStaysAsItIs(string text) =>
        Assert.Equal(text, Encoding.UTF8.GetString(LogsCommand.EscapeControls(Encoding.UTF8.GetBytes(text))));

    /// <summary>Images review of 2026-12-07, finding 4: `image list` and `image inspect` printed
    /// an image's own created, os, architecture and media types as they were.</summary>
    [Theory]
    [InlineData("2024-01-01T00:00:00Z\u001b[2K\u001b[1A", "2024-01-01T00:00:00Z\\x1b[2K\\x1b[1A")]
    [InlineData("\u001b]52;c;aGk=\u0007", "\\x1b]52;c;aGk=\\x07")]
    [InlineData("amd64", "amd64")]
    [InlineData(null, "-")]
    public void AnImagesOwnTextIsShownWithItsControlsEscaped(string? text, string shown) =>
        Assert.Equal(shown, ImageCommand.Shown(text));
}
