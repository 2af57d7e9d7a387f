using System.Text;
using PodUnits.Core.Native;
using PodUnits.Runtime.Spawning;

namespace PodUnits.UnitTests.Runtime;

/// <summary>posix_spawn as PodUnits uses it: the child gets exactly the mapped descriptors at
/// their numbers, default signal dispositions and an empty mask, the environment given, and
/// its status reads like a shell's.</summary>
public sealed unsafe class SpawnerTests
{
    /// <summary>Runs sh -c SCRIPT with stdout/stderr into one pipe and <paramref name="extra"/>
    /// mapped too; returns what it printed and its status.</summary>
    private static (string Output, int Code) Run(string script, IReadOnlyList<string>? env = null, IReadOnlyList<(int From, int To)>? extra = null)
    {
        (int read, int write) = Spawner.Pipe();
        int devNull = LibcExtra.open("/dev/null", LibcExtra.O_RDWR | LibcExtra.O_CLOEXEC, 0);
        int pid;
        try
        {
            pid = Spawner.Spawn("/bin/sh", ["sh", "-c", script], env ?? ["PATH=/usr/bin:/bin"],
                [(devNull, 0), (write, 1), (write, 2), .. extra ?? []]);
        }
        finally
        {
            LibcExtra.close(write);
            LibcExtra.close(devNull);
        }
        using var output = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(read, ownsHandle: true), FileAccess.Read);
        string text = new StreamReader(output, Encoding.UTF8).ReadToEnd();
        Assert.Equal(pid, LibcExtra.waitpid(pid, out int status, 0));
        return (text, Spawner.ExitCodeOf(status));
    }

    [Fact]
    public void TheChildGetsExactlyTheMappedDescriptors()
    {
        (int read, int write) = Spawner.Pipe();
        try
        {
            // fd 7 is mapped; the pipe's own numbers are close-on-exec and not mapped.
            (string output, int code) = Run($"echo out; echo err >&2; [ -e /proc/self/fd/7 ] && echo seven; " +
                $"[ -e /proc/self/fd/{read} ] || echo no-{read}; [ -e /proc/self/fd/{write} ] || echo no-{write}",
                extra: [(write, 7)]);
            Assert.Equal(0, code);
            Assert.Equal(["out", "err", "seven", $"no-{read}", $"no-{write}"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            LibcExtra.close(read);
            LibcExtra.close(write);
        }
    }

    [Fact]
    public void SignalsAreDefaultAndUnblockedAndTheEnvironmentIsTheOneGiven()
    {
        // .NET ignores SIGPIPE in this process; a container must not inherit that. Signals
        // 1-31 only: glibc keeps 32 and 33 for itself, beyond what sigfillset covers.
        (string output, _) = Run("grep -E '^Sig(Ign|Blk)' /proc/self/status; echo \"A=$A PATH=$PATH HOME=${HOME-unset}\"", env: ["A=1", "PATH=/bin"]);
        ulong Mask(string name) => ulong.Parse(output.Split('\n').Single(l => l.StartsWith(name, StringComparison.Ordinal))[(name.Length + 1)..],
            System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True((Mask("SigIgn:") & 0x7fff_ffffUL) == 0, output);
        Assert.True(Mask("SigBlk:") == 0, output);
        Assert.Contains("A=1 PATH=/bin HOME=unset", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("exit 3", 3)]
    [InlineData("kill -9 $$", 137)]
    [InlineData("kill -15 $$", 143)]
    public void StatusReadsLikeAShells(string script, int code) => Assert.Equal(code, Run(script).Code);

    [Fact]
    public void ChildrenDoNotInheritTheServicesNotificationAndSockets()
    {
        // LISTEN_FDNAMES alone claims nothing (sd_listen_fds needs LISTEN_PID to be the
        // reader's): safe to set in a test process. A LISTEN_ name of the user's is kept.
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", "spawner-test");
        Environment.SetEnvironmentVariable("LISTEN_PORT_SPAWNER_TEST", "8080");
        try
        {
            Assert.Contains(Spawner.CurrentEnvironment(), v => v == "LISTEN_FDNAMES=spawner-test");
            List<string> inherited = Spawner.InheritedEnvironment();
            Assert.DoesNotContain(inherited, v => v.StartsWith("LISTEN_FDS=", StringComparison.Ordinal) || v.StartsWith("LISTEN_PID=", StringComparison.Ordinal)
                || v.StartsWith("LISTEN_FDNAMES=", StringComparison.Ordinal) || v.StartsWith("NOTIFY_SOCKET=", StringComparison.Ordinal)
                || v.StartsWith("WATCHDOG_USEC=", StringComparison.Ordinal) || v.StartsWith("WATCHDOG_PID=", StringComparison.Ordinal));
            Assert.Contains("LISTEN_PORT_SPAWNER_TEST=8080", inherited);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
            Environment.SetEnvironmentVariable("LISTEN_PORT_SPAWNER_TEST", null);
        }
    }
}
