using PodUnits.Images.Progress;
using PodUnits.Images.Store;

namespace PodUnits.UnitTests.Images;

public sealed class PullProgressRendererTests
{
    private const string Digest = "sha256:6089112fedd0" + "0123456789abcdef0123456789abcdef0123456789abcdef0123";

    [Fact]
    public void OnATerminalEachBlobHasABarRedrawnInPlace()
    {
        var output = new StringWriter();
        var renderer = new PullProgressRenderer(output, isTerminal: true);

        renderer.Report(new PullProgress(Digest, PullPhase.Downloading, 0, 3_720_000));
        renderer.Report(new PullProgress(Digest, PullPhase.Done, 3_720_000, 3_720_000));

        string text = output.ToString();
        Assert.Contains("Downloading sha256:6089112fedd0 [                              ] 0 B / 3.72 MB", text);
        Assert.Contains("Downloaded  sha256:6089112fedd0 [==============================] 3.72 MB / 3.72 MB", text);
        Assert.Contains("\u001b[1A", text); // the second draw moved up over the first
    }

    [Fact]
    public void ElsewhereOneLinePerBlob()
    {
        var output = new StringWriter();
        var renderer = new PullProgressRenderer(output, isTerminal: false);

        renderer.Report(new PullProgress(Digest, PullPhase.Downloading, 100, 3_720_000));
        renderer.Report(new PullProgress(Digest, PullPhase.Done, 3_720_000, 3_720_000));

        Assert.Equal("Downloaded sha256:6089112fedd0 3.72 MB" + Environment.NewLine, output.ToString());
    }
}
