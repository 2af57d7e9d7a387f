using System.Net.Sockets;
using System.Text;
using PodUnits.Systemd.Notify;

namespace PodUnits.UnitTests.Systemd;

/// <summary>EXTEND_TIMEOUT_USEC= while an image pull makes progress: when to send (pure,
/// times given) and what reaches the notify socket.</summary>
public sealed class StartTimeoutExtenderTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void SendsOnTheFirstProgressThenAtMostOncePerInterval()
    {
        var pacer = new TimeoutExtensionPacer(S(5), S(30));
        double[] progressAt = [100, 100.1, 101, 104.9, 105, 105.5, 109.9, 110, 200];

        double[] sentAt = [.. progressAt.Where(t => pacer.OnProgress(S(t)))];

        Assert.Equal([100, 105, 110, 200], sentAt);
    }

    [Fact]
    public void NoProgressMeansNoExtension()
    {
        // A stalled pull reports nothing, so nothing is sent and systemd's timeout runs out:
        // each extension has to be earned by progress.
        var pacer = new TimeoutExtensionPacer(S(5), S(30));
        Assert.True(pacer.OnProgress(S(0)));
        Assert.False(pacer.OnProgress(S(4.999)));
        Assert.True(pacer.OnProgress(S(60)));
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(0, 30)]
    [InlineData(10, 3)]
    public void AnExtensionMustOutlastTheInterval(double interval, double extension) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeoutExtensionPacer(S(interval), S(extension)));

    [Fact]
    public void ExtendsByThirtySecondsThroughTheNotifySocketOnlyWhenDue()
    {
        string path = Path.Combine(Path.GetTempPath(), $"podunits-extend-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            TimeSpan now = S(1000);
            var extender = new StartTimeoutExtender(new SdNotify(path),
                new TimeoutExtensionPacer(StartTimeoutExtender.DefaultInterval, StartTimeoutExtender.DefaultExtension), () => now);

            extender.Progressed();
            extender.Progressed(); // same instant: not due
            now += S(6);
            extender.Progressed();

            Assert.Equal(["EXTEND_TIMEOUT_USEC=30000000", "EXTEND_TIMEOUT_USEC=30000000"], Drain(listener));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DoesNothingOutsideSystemd()
    {
        var pacer = new TimeoutExtensionPacer(S(5), S(30));
        new StartTimeoutExtender(new SdNotify(null), pacer, () => S(0)).Progressed();
        Assert.True(pacer.OnProgress(S(0))); // the pacer was never consulted
    }

    private static List<string> Drain(Socket socket)
    {
        var received = new List<string>();
        var buffer = new byte[4096];
        while (socket.Available > 0) received.Add(Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer)));
        return received;
    }
}
