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
}
