using PodUnits.Core.Native;
using PodUnits.Runtime.Spawning;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The exec exchange between `podunits enter` (or an exec probe) and its helper in
/// the container (docs/process-model.md, "Exec protocol"): every message round-trips, the
/// text Native/enter.c writes on failure parses, anything else is a protocol error.</summary>
public sealed class ExecControlMessageTests
{
    public static TheoryData<ExecControlMessage, string> Messages => new()
    {
        { new ExecControlMessage.Go(), "go" },
        { new ExecControlMessage.Pty(), "pty" },
        { new ExecControlMessage.Sized(), "sized" },
        { new ExecControlMessage.Failed("container main: executable \"x\" not found in image"), "failed container main: executable \"x\" not found in image" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void EveryMessageRoundTrips(ExecControlMessage message, string text)
    {
        Assert.Equal(text, message.Format());
        Assert.Equal(message, ExecControlMessage.Parse(text));
    }

    [Fact]
    public void EveryMessageTypeIsCovered()
    {
        var covered = Messages.Select(row => row[0].GetType()).ToHashSet();
        var all = typeof(ExecControlMessage).GetNestedTypes().Where(t => t.IsSubclassOf(typeof(ExecControlMessage)));
        Assert.All(all, t => Assert.Contains(t, covered));
    }

    [Fact]
    public void TheNativeLayersFailureTextIsAFailedMessage() =>
        // enter.c: snprintf(message, ..., "failed %s", reason)
        Assert.Equal(new ExecControlMessage.Failed("entering the pod's user namespace: setns mount namespace: Operation not permitted"),
            ExecControlMessage.Parse("failed entering the pod's user namespace: setns mount namespace: Operation not permitted"));

    [Theory]
    [InlineData("")]
    [InlineData("go now")]
    [InlineData("failed")]
    [InlineData("pty 3")]
    [InlineData("setup-done")] // the pod init's protocol, not this one
    public void AnythingElseIsAProtocolError(string text) =>
        Assert.Equal(text, Assert.Throws<ProtocolException>(() => ExecControlMessage.Parse(text)).Text);

    [Fact]
    public void APtyCrossesTheChannelWithItsDescriptor()
    {
        (int a, int b) = Spawner.SocketPair();
        using var helper = new ControlChannel(a);
        using var launcher = new ControlChannel(b);
        (int read, int write) = Spawner.Pipe();
        Assert.True(helper.Send(new ExecControlMessage.Pty(), [write]));
        Assert.Equal(new ExecControlMessage.Pty(), launcher.ReceiveExecMessage(out int[] fds));
        Assert.Single(fds);
        Array.ForEach([read, write, fds[0]], fd => LibcExtra.close(fd));
        helper.Dispose();
        Assert.Null(launcher.ReceiveExecMessage(out _)); // the end of the stream: the command runs
    }
}
