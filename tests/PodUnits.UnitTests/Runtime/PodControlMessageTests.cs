using PodUnits.Core.Native;
using PodUnits.Runtime.Init;
using PodUnits.Runtime.Spawning;

namespace PodUnits.UnitTests.Runtime;

/// <summary>The executor ↔ pod init protocol, typed: every message survives its own format
/// and parse, on the wire too; anything else is a protocol error, never a silent no-op; and
/// the descriptor layout both ends share.</summary>
public sealed unsafe class PodControlMessageTests
{
    public static TheoryData<PodControlMessage, string> Messages => new()
    {
        { new PodControlMessage.SetupDone(), "setup-done" },
        { new PodControlMessage.Leader(), "leader" },
        { new PodControlMessage.Started("web", 7), "started web 7" },
        { new PodControlMessage.Running("web", 7), "running web 7" },
        { new PodControlMessage.Exited("web", 137), "exited web 137" },
        { new PodControlMessage.Exited("web", 143, Killed: true), "exited web 143 killed" },
        { new PodControlMessage.Exited("migrate", 125, NeverRan: true), "exited migrate 125 unstarted" },
        { new PodControlMessage.Exited("migrate", 143, Killed: true, NeverRan: true), "exited migrate 143 killed unstarted" },
        { new PodControlMessage.Restarting("web", 20), "restarting web 20" },
        { new PodControlMessage.Stopping(), "stopping" },
        { new PodControlMessage.Finishing(StopRequested: false), "finishing" },
        { new PodControlMessage.Finishing(StopRequested: true), "finishing stop" },
        { new PodControlMessage.Failed("pod setup: mount tmpfs: No space left on device"), "failed pod setup: mount tmpfs: No space left on device" },
        { new PodControlMessage.Go("web", 7), "go web 7" },
        { new PodControlMessage.Drained(), "drained" },
        { new PodControlMessage.StopPod(), "stop" },
        { new PodControlMessage.KillContainer("web", 17, 30), "kill web 17 30" },
        { new PodControlMessage.KillContainer("web", 17, 30, ByProbe: false), "kill web 17 30 hook" },
        { new PodControlMessage.PreStop("web", 9, 30), "prestop web 9 30" },
        { new PodControlMessage.PreStopped("web", 9), "prestopped web 9" },
        { new PodControlMessage.Up("proxy", 12), "up proxy 12" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void EveryMessageRoundTrips(PodControlMessage message, string text)
    {
        Assert.Equal(text, message.Format());
        Assert.Equal(message, PodControlMessage.Parse(text));
    }

    [Fact]
    public void EveryMessageTypeIsCovered()
    {
        var covered = Messages.Select(row => row[0].GetType()).ToHashSet();
        var all = typeof(PodControlMessage).GetNestedTypes().Where(t => t.IsSubclassOf(typeof(PodControlMessage)));
        Assert.All(all, t => Assert.Contains(t, covered));
    }

    [Fact]
    public void AFailureStaysOnOneLine() =>
        Assert.Equal(new PodControlMessage.Failed("a b"), PodControlMessage.Parse(new PodControlMessage.Failed("a\nb").Format()));

    [Theory]
    [InlineData("")]
    [InlineData("exiting 0")] // a message the protocol no longer has
    [InlineData("setup-done now")]
    [InlineData("started web")]
    [InlineData("started web seven")]
    [InlineData("exited web -1")]
    [InlineData("exited web 1 2")]
    [InlineData("journal-streams 1011")] // the pod's journald is gone: the executor writes its journal
    [InlineData("finishing later")]
    [InlineData("failed")]
    [InlineData("go")]
    [InlineData("go web")] // which run: a late one must not let the next exec (supervision review of 2026-12-06)
    [InlineData("running web")]
    [InlineData("Stop")]
    [InlineData("restarting web soon")]
    [InlineData("kill web")]
    [InlineData("prestop web")]
    [InlineData("prestopped web now")]
    [InlineData("up proxy")]
    public void AnythingElseIsAProtocolError(string text)
    {
        var e = Assert.Throws<ProtocolException>(() => PodControlMessage.Parse(text));
        Assert.Equal(text, e.Text);
        Assert.StartsWith("protocol error: unknown control message", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TypedMessagesCrossTheChannelAndAnUnknownOneLosesItsDescriptors()
    {
        (int a, int b) = Spawner.SocketPair();
        using var sender = new ControlChannel(a);
        using var receiver = new ControlChannel(b);
        (int read, int write) = Spawner.Pipe();
        Assert.True(sender.Send(new PodControlMessage.Leader(), [write]));
        Assert.Equal(new PodControlMessage.Leader(), receiver.ReceiveMessage(out int[] fds));
        Assert.Single(fds);
        LibcExtra.close(fds[0]);

        Assert.True(sender.Send("bogus message", [write]));
        Assert.Throws<ProtocolException>(() => receiver.ReceiveMessage(out _));
        LibcExtra.close(write);
        byte x;
        Assert.Equal(0, LibcExtra.read(read, &x, 1)); // every write end is closed: the received copy was too
        LibcExtra.close(read);

        sender.Dispose();
        Assert.Null(receiver.ReceiveMessage(out _));
    }

    [Fact]
    public void DescriptorLayoutIsControlThenTwoPipesPerContainerThenThePlan()
    {
        Assert.Equal(3, PodInitDescriptors.Control);
        Assert.Equal((4, 5), (PodInitDescriptors.Output(0, stderr: false), PodInitDescriptors.Output(0, stderr: true)));
        Assert.Equal((8, 9), (PodInitDescriptors.Output(2, stderr: false), PodInitDescriptors.Output(2, stderr: true)));
        Assert.Equal([4, 5, 6, 7, 8, 9], PodInitDescriptors.Outputs(3));
        Assert.Equal(10, PodInitDescriptors.Plan(3));
        Assert.Equal(5, PodInitDescriptors.StreamIndex(2, stderr: true));
    }
}
