using System.Net.Sockets;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Systemd.Notify;

namespace PodUnits.UnitTests.Systemd;

/// <summary>SdNotify against a datagram socket of our own, as systemd would bind it.</summary>
public sealed class SdNotifyTests
{
    [Fact]
    public void SendsEachHelperAsOneDatagramToAPathSocket()
    {
        string path = Path.Combine(Path.GetTempPath(), $"podunits-notify-{Guid.NewGuid():N}.sock");
        using Socket listener = Bind(path);
        try
        {
            var notify = new SdNotify(path);
            Assert.True(notify.IsAvailable);
            Assert.True(notify.Ready("all 2 containers started"));
            Assert.Equal("READY=1\nSTATUS=all 2 containers started", Receive(listener));
            Assert.True(notify.Status("pulling busybox"));
            Assert.Equal("STATUS=pulling busybox", Receive(listener));
            Assert.True(notify.Stopping());
            Assert.Equal("STOPPING=1", Receive(listener));
            Assert.True(notify.Stopping("stopping 2 containers"));
            Assert.Equal("STOPPING=1\nSTATUS=stopping 2 containers", Receive(listener));
            Assert.True(notify.MainPid(4242));
            Assert.Equal("MAINPID=4242", Receive(listener));
            Assert.True(notify.ExtendTimeout(30_000_000));
            Assert.Equal("EXTEND_TIMEOUT_USEC=30000000", Receive(listener));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Review of 2026-12-05: a STATUS= holding a failing probe's output (10 KiB) made a
    /// datagram systemd drops whole, the STOPPING=1 with it; a newline in it started another
    /// assignment, and an escape sequence reached `systemctl status` readers' terminals.</summary>
    [Fact]
    public void AStatusIsOneAssignmentThatSystemdKeeps()
    {
        string path = Path.Combine(Path.GetTempPath(), $"podunits-notify-{Guid.NewGuid():N}.sock");
        using Socket listener = Bind(path);
        try
        {
            var notify = new SdNotify(path);
            string output = "waiting for app: readiness probe failed: \u001b]52;c;AAAA\u0007" + string.Concat(Enumerable.Repeat("trace line \u00e9\u20ac\n", 2000));
            Assert.True(notify.Stopping(output));
            string sent = Receive(listener, 8192);
            Assert.True(Encoding.UTF8.GetByteCount(sent) <= 4096, $"{Encoding.UTF8.GetByteCount(sent)} bytes");
            Assert.StartsWith("STOPPING=1\nSTATUS=waiting for app: readiness probe failed:  ]52;c;AAAA trace line", sent, StringComparison.Ordinal);
            Assert.EndsWith("...", sent, StringComparison.Ordinal);
            Assert.Equal(1, sent.Count(c => c == '\n'));
            Assert.Equal(SdNotify.MaxStatusChars, sent.Length - "STOPPING=1\nSTATUS=".Length);
            // A cut never splits a surrogate pair.
            string emoji = new string('x', SdNotify.MaxStatusChars - 4) + "\U0001F600\U0001F600\U0001F600";
            Assert.Equal(new string('x', SdNotify.MaxStatusChars - 4) + "...", SdNotify.StatusValue(emoji));
            Assert.Equal("short one", SdNotify.StatusValue("short\tone"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SendsToAnAbstractSocketNamedWithAnAt()
    {
        string name = $"podunits-notify-{Guid.NewGuid():N}";
        using Socket listener = Bind("\0" + name);
        Assert.True(new SdNotify("@" + name).Notify("READY=1"));
        Assert.Equal("READY=1", Receive(listener));
    }

    [Fact]
    public void IsANoOpWithoutASocket()
    {
        var notify = new SdNotify(null);
        Assert.False(notify.IsAvailable);
        Assert.False(notify.Ready());
        Assert.False(new SdNotify("").Stopping());
    }

    [Fact]
    public void ReportsASocketThatIsNotThere()
    {
        string path = Path.Combine(Path.GetTempPath(), $"podunits-missing-{Guid.NewGuid():N}.sock");
        var e = Assert.Throws<PodUnitsException>(() => new SdNotify(path).Ready());
        Assert.StartsWith($"sd_notify to {path}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("READY=1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFinalStatusReturnsOnceTheManagerHasTakenItAndTheBarrier()
    {
        string name = $"podunits-notify-{Guid.NewGuid():N}";
        using Socket listener = Bind("\0" + name);
        var notify = new SdNotify("@" + name);
        // Nobody has read the barrier: the pipe's write end waits in the socket's queue.
        Assert.False(notify.Barrier(TimeSpan.FromMilliseconds(100)));
        Assert.Equal("BARRIER=1", Receive(listener)); // read without its descriptor: the kernel closes it
        Task<bool> final = Task.Run(() => notify.FinalStatus("failed: image x: cannot reach registry", TimeSpan.FromSeconds(30)));
        Assert.Equal("STATUS=failed: image x: cannot reach registry", Receive(listener));
        Assert.Equal("BARRIER=1", Receive(listener));
        Assert.True(await final);
    }

    private static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.ReceiveTimeout = 5000;
        return socket;
    }

    private static string Receive(Socket socket, int size = 4096)
    {
        var buffer = new byte[size];
        int n = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
