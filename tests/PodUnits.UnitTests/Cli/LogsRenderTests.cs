using System.Text;
using PodUnits.Cli.Commands;

namespace PodUnits.UnitTests.Cli;

public sealed class LogsRenderTests
{
    [Fact]
    public void PrefixesTheContainerWhenSeveralAreShown()
    {
        byte[] line = LogsCommand.Render("""{"MESSAGE":"hello from web","CONTAINER_NAME":"web","PRIORITY":"6"}""", prefix: true);
        Assert.Equal("web | hello from web\n", Encoding.UTF8.GetString(line));
    }

    [Fact]
    public void PrintsTheBareMessageForOneContainer()
    {
        byte[] line = LogsCommand.Render("""{"MESSAGE":"ready","CONTAINER_NAME":"db"}""", prefix: false);
        Assert.Equal("ready\n", Encoding.UTF8.GetString(line));
    }

    [Fact]
    public void KeepsNonUtf8MessagesAsBytes()
    {
        // journalctl -o json prints a message that is not valid UTF-8 as an array of bytes.
        byte[] line = LogsCommand.Render("""{"MESSAGE":[104,105,255],"CONTAINER_NAME":"c"}""", prefix: false);
        Assert.Equal(new byte[] { 104, 105, 255, 10 }, line);
    }

    [Fact]
    public void OnATerminalControlCharactersAreEscaped()
    {
        // ESC ]0;pwned BEL retitles a terminal; U+009B is CSI on some; tabs stay.
        string json = """{"MESSAGE":"a\u001b]0;pwned\u0007\tb\u009b2Jc\u007f","CONTAINER_NAME":"c"}""";
        Assert.Equal("a\\x1b]0;pwned\\x07\tb\\xc2\\x9b2Jc\\x7f\n", Encoding.UTF8.GetString(LogsCommand.Render(json, prefix: false, escape: true)));
        // Piped, the bytes are the container's own.
        Assert.Equal("a\u001b]0;pwned\u0007\tb\u009b2Jc\u007f\n", Encoding.UTF8.GetString(LogsCommand.Render(json, prefix: false)));
    }
}
