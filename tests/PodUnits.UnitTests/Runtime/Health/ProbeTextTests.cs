using System.Text;
using PodUnits.Runtime.Health;

namespace PodUnits.UnitTests.Runtime.Health;

/// <summary>What a probe's output becomes in the container's last probe and the unit's STATUS=.</summary>
public sealed class ProbeTextTests
{
    /// <summary>Review of 2026-12-05: an exec probe's output had only its line breaks
    /// replaced, so a command printing an escape sequence (OSC 52 writes the clipboard) drove
    /// the terminal of whoever ran `podunits status`.</summary>
    [Fact]
    public void CommandOutputIsOneLineWithoutControlCharacters()
    {
        byte[] output = Encoding.UTF8.GetBytes("\n  not ready\r\n\u001b]52;c;AAAA\u0007 stage\t2 \u00e9\n\u001b[2J\n");
        Assert.Equal("not ready  ]52;c;AAAA  stage 2 \u00e9  [2J", ProbeText.CommandOutput(output));
        Assert.Equal("", ProbeText.CommandOutput([]));
    }

    [Fact]
    public void AnHttpExcerptIsCutAndHasNoControlCharacters()
    {
        string excerpt = ProbeText.Excerpt(Encoding.UTF8.GetBytes("\u001b[31merror\u001b[0m " + new string('x', 400)));
        Assert.StartsWith(" [31merror [0m x", excerpt, StringComparison.Ordinal);
        Assert.EndsWith("...", excerpt, StringComparison.Ordinal);
        Assert.Equal(203, excerpt.Length);
    }
}
