using System.Diagnostics;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>`podunits run --interactive IMAGE -- CMD`: the container's stdio is the caller's.</summary>
public sealed class InteractiveTests
{
    [Fact]
    public async Task InteractivePodReadsStdinWritesStdoutAndReturnsTheStatus()
    {
        var info = new ProcessStartInfo("/usr/bin/podunits") // the installed binary, not the test build beside this assembly
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (string a in new[] { "run", "--interactive", "--name", "it-pipe", "busybox", "--", "sh", "-c", "read x; echo got-$x; echo host=$(hostname); exit 7" })
        {
            info.ArgumentList.Add(a);
        }
        using Process p = Process.Start(info)!;
        p.StandardInput.WriteLine("hi");
        p.StandardInput.Close();
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000));
        Assert.Equal("got-hi\nhost=it-pipe\n", output);
        Assert.Equal(7, p.ExitCode);
        Assert.Equal("", await err);
        Assert.False(Directory.Exists("/var/lib/podunits/pods/it-pipe"));
    }

    [Fact]
    public async Task InteractiveOutputReachesTheCallerAsItComesAndIsJournaled()
    {
        using Process p = StartRun("it-journal", "sh", "-c", "echo to-out; echo to-err >&2; printf 'name? '; read x; echo hello-$x");
        Task<string> err = p.StandardError.ReadToEndAsync();
        // A prompt without a newline reaches the caller before the container has more to say.
        char[] prompt = new char[16];
        int n = 0;
        while (!new string(prompt, 0, n).EndsWith("name? ", StringComparison.Ordinal))
        {
            int r = await p.StandardOutput.ReadAsync(prompt.AsMemory(n));
            Assert.True(r > 0, new string(prompt, 0, n));
            n += r;
        }
        Assert.Equal("to-out\nname? ", new string(prompt, 0, n));
        // While it runs, status says how its container is, as of a pod run by pod@NAME.
        var status = PodHarness.Run("/usr/bin/podunits", "status", "-o", "json", "it-journal");
        Assert.True(status.Code == 0, status.Output);
        using (var json = System.Text.Json.JsonDocument.Parse(status.Output))
        {
            System.Text.Json.JsonElement container = json.RootElement.GetProperty("containers")[0];
            Assert.True(container.GetProperty("health").ValueKind == System.Text.Json.JsonValueKind.Object, status.Output);
            Assert.Equal("running", container.GetProperty("health").GetProperty("state").GetString());
        }
        // reload reads the definition the pod was made from (a file named adhoc.yaml).
        var reload = PodHarness.Run("/usr/bin/podunits", "reload", "it-journal");
        Assert.True(reload.Code == 0, reload.Output);
        Assert.Contains("pod it-journal: no configMap, secret, downwardAPI or projected volumes to reload", reload.Output, StringComparison.Ordinal);
        p.StandardInput.WriteLine("you");
        p.StandardInput.Close();
        Assert.Equal("hello-you\n", await p.StandardOutput.ReadToEndAsync());
        Assert.True(p.WaitForExit(30_000));
        Assert.Equal(0, p.ExitCode);
        Assert.Equal("to-err\n", await err);

        // Nothing is lost: the container's lines are in the journal with its fields, the
        // prompt and the answer on one line, as on the caller's screen.
        string[] journaled = [];
        Assert.True(PodHarness.WaitFor(() => (journaled = Journal("it-journal")).Contains("name? hello-you"), seconds: 30), string.Join('\n', journaled));
        Assert.Contains("to-out", journaled);
        Assert.Contains("to-err", journaled);
    }

    [Fact]
    public void ACallerThatStopsReadingEndsTheContainerWithSigpipe()
    {
        // `podunits run -i IMAGE -- yes | head -n 3`: once the caller's end is gone, the
        // container's next write fails as on a pipe of its own, and the pod ends.
        using Process p = StartRun("it-sigpipe", "yes", "line");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal("line", p.StandardOutput.ReadLine());
        }
        p.StandardOutput.Close();
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(30_000), "the pod went on after its caller stopped reading");
        Assert.Equal(128 + 13, p.ExitCode);
        Assert.Contains("line", Journal("it-sigpipe"));
    }

    /// <summary>Interactive review of 2026-12-07, finding 1: with a caller that reads slowly
    /// (`| less`), the end of the pod waited 6 s for the output and dropped the rest, for
    /// the caller and, as the caller came first, for the journal too, blaming the journal.</summary>
    [Fact]
    public async Task ASlowCallerGetsTheWholeOutputAndSoDoesTheJournal()
    {
        using Process p = StartRun("it-slow-caller", "seq", "1", "200000");
        p.StandardInput.Close();
        Task<string> err = p.StandardError.ReadToEndAsync();
        Thread.Sleep(TimeSpan.FromSeconds(10)); // the command ends meanwhile, the end of its output in the pipes
        string output = await p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(30_000));
        Assert.Equal(0, p.ExitCode);
        Assert.EndsWith("\n199999\n200000\n", output, StringComparison.Ordinal);
        Assert.Equal(200000, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("", await err);
        string[] journaled = [];
        Assert.True(PodHarness.WaitFor(() => (journaled = Journal("it-slow-caller")).Contains("200000"), seconds: 30), string.Join('\n', journaled.TakeLast(3)));
    }

    [Fact]
    public void AContainerStartsWithNoSignalIgnoredOrBlocked()
    {
        // As systemd starts a service: stage 1's runtime ignores SIGPIPE, which execve would
        // otherwise pass on to the container's command and everything it runs.
        var run = PodHarness.Run("podunits", "run", "-i", "--name", "it-signals", "--net", "host", "busybox", "--", "grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status");
        Assert.True(run.Code == 0, run.Output);
        Assert.Equal("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n", run.Output);
    }

    /// <summary>Review of 2026-12-06: Ctrl-C of `run -i` stopped the pod with SIGTERM, and the
    /// stop's 143 counted as a clean end: the caller got 0, and `run -i ... && deploy` went on.
    /// The interrupt goes to the command, whose status the caller gets; a stop by a signal
    /// ends 128 + it.</summary>
    [Fact]
    public void AnInterruptGoesToTheCommandAndAStopBySignalIsNoSuccess()
    {
        AssertTheCommandTrapsIt("it-int-trap", "INT");
        foreach ((string signal, int status) in (ReadOnlySpan<(string, int)>)[("-INT", 130), ("-TERM", 143)])
        {
            using Process plain = StartInterruptible($"it-sig{status}", "sh", "-c", "echo ready; exec sleep 1000");
            Assert.Equal("ready", plain.StandardOutput.ReadLine());
            Assert.Equal(0, PodHarness.Run("kill", signal, plain.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Code);
            Assert.True(plain.WaitForExit(30_000));
            Assert.Equal(status, plain.ExitCode);
        }
    }

    /// <summary>CLI review of 2026-12-07, finding 1: Ctrl-\ (SIGQUIT to the foreground job, the
    /// executor) killed `run -i`'s executor by the default action: no clean-up, the network,
    /// the state and the image pin left to gc, and the command's status lost. It goes to the
    /// command as Ctrl-C does, and the pod ends and is released as after any other end.</summary>
    [Fact]
    public void AQuitGoesToTheCommandAndThePodIsReleased()
    {
        AssertTheCommandTrapsIt("it-quit", "QUIT");
        Assert.False(Directory.Exists("/run/podunits/state/it-quit"), "the runtime state stayed");
        Assert.False(Directory.Exists("/var/lib/podunits/pods/it-quit"), "the pin and the state directory stayed");
        var status = PodHarness.Run("/usr/bin/podunits", "status", "it-quit");
        Assert.DoesNotContain("Left behind", status.Output, StringComparison.Ordinal);
        // A command that leaves SIGQUIT at its default action is ended by it: 128 + 3.
        using Process plain = StartInterruptible("it-quit-plain", "sh", "-c", "echo ready; exec sleep 1000");
        Assert.Equal("ready", plain.StandardOutput.ReadLine());
        Assert.Equal(0, PodHarness.Run("kill", "-QUIT", plain.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Code);
        Assert.True(plain.WaitForExit(30_000));
        Assert.Equal(128 + 3, plain.ExitCode);
        Assert.False(Directory.Exists("/run/podunits/state/it-quit-plain"), "the runtime state stayed");
    }

    /// <summary>CLI review of 2026-12-07, finding 2: `podunits stop` of a `run -i` suspended by
    /// Ctrl-Z (its executor stopped, the SIGTERM pending) waited its whole 22 s and failed,
    /// the pod running on until `fg`. It sends SIGCONT after the SIGTERM, as systemd does.</summary>
    [Fact]
    public void StopEndsARunSuspendedByCtrlZ()
    {
        using Process p = StartRun("it-tstp", "sh", "-c", "echo ready; exec sleep 1000");
        Assert.Equal("ready", p.StandardOutput.ReadLine());
        Assert.True(PodHarness.WaitFor(() => File.Exists("/run/podunits/state/it-tstp/pids")));
        string pid = p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture); // -i: stage 1 in the CLI's process
        try
        {
            // SIGSTOP for Ctrl-Z's SIGTSTP: the kernel drops SIGTSTP to an orphaned process
            // group, which the test host's children may be; the executor is stopped either way.
            Assert.Equal(0, PodHarness.Run("kill", "-STOP", pid).Code);
            Assert.True(PodHarness.WaitFor(() => File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('T'), seconds: 10), "not suspended");
            var watch = Stopwatch.StartNew();
            var stop = PodHarness.Run("/usr/bin/podunits", "stop", "it-tstp");
            Assert.True(stop.Code == 0, stop.Output);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"stop took {watch.Elapsed}");
            Assert.True(p.WaitForExit(30_000));
            Assert.Equal(143, p.ExitCode);
        }
        finally
        {
            PodHarness.Run("kill", "-CONT", pid);
        }
    }

    /// <summary>`run -i` of a command that traps <paramref name="signal"/>, sent it: the command
    /// gets it, and `run` ends with the status its trap chose.</summary>
    private static void AssertTheCommandTrapsIt(string name, string signal)
    {
        using Process trapping = StartInterruptible(name, "sh", "-c", $"trap 'echo got-{signal}; exit 3' {signal}; echo ready; while :; do sleep 0.1; done");
        Assert.Equal("ready", trapping.StandardOutput.ReadLine());
        Assert.Equal(0, PodHarness.Run("kill", $"-{signal}", trapping.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Code);
        Assert.True(trapping.WaitForExit(30_000));
        Assert.Equal($"got-{signal}", trapping.StandardOutput.ReadToEnd().Trim());
        Assert.True(trapping.ExitCode == 3, $"exit {trapping.ExitCode}: {trapping.StandardError.ReadToEnd()}");
    }

    /// <summary><see cref="StartRun"/> with SIGINT and SIGQUIT at their default action, as a
    /// shell's foreground job has them (<see cref="PodHarness.StartPodunitsInterruptible"/>).</summary>
    private static Process StartInterruptible(string name, params string[] command) =>
        PodHarness.StartPodunitsInterruptible(["run", "-i", "--name", name, "busybox", "--", .. command]);

    private static Process StartRun(string name, params string[] command)
    {
        var info = new ProcessStartInfo("/usr/bin/podunits")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (string a in (string[])["run", "-i", "--name", name, "busybox", "--", .. command])
        {
            info.ArgumentList.Add(a);
        }
        return Process.Start(info)!;
    }

    /// <summary>The lines of ad-hoc pod <paramref name="pod"/>'s container "main" in the host
    /// journal (an ad-hoc pod has no unit: every line carries the pod's fields).</summary>
    private static string[] Journal(string pod) =>
        PodHarness.JournalOutput("--all", "-o", "cat", $"POD_NAME={pod}", "CONTAINER_NAME=main").Split('\n');

    [Fact]
    public void OnTheHostsNetworkThePodIsNamedAndResolvesAsTheHost()
    {
        // As Kubernetes and podman --network host (tour H #7); --hostname still wins.
        var run = PodHarness.Run("podunits", "run", "-i", "--name", "it-hostname", "--net", "host", "busybox", "--",
            "sh", "-c", "hostname; echo $HOSTNAME; cat /etc/hosts");
        Assert.True(run.Code == 0, run.Output);
        string host = File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        Assert.Equal($"{host}\n{host}\n{File.ReadAllText("/etc/hosts")}", run.Output);
        var named = PodHarness.Run("podunits", "run", "-i", "--name", "it-hostname", "--net", "host", "--hostname", "box", "busybox", "--", "hostname");
        Assert.Equal((0, "box\n"), (named.Code, named.Output));
    }

    [Fact]
    public void DnsNoneLeavesTheImagesResolvConfAndDnsHostGivesTheHosts()
    {
        // The busybox test image has no /etc/resolv.conf of its own.
        var none = PodHarness.Run("podunits", "run", "-i", "--name", "it-dns-none", "--dns", "none", "--net", "host", "busybox", "--",
            "sh", "-c", "cat /etc/resolv.conf || echo no-resolv-conf");
        Assert.True(none.Code == 0, none.Output);
        Assert.Contains("no-resolv-conf", none.Output, StringComparison.Ordinal);
        var host = PodHarness.Run("podunits", "run", "-i", "--name", "it-dns-host", "--dns", "host", "--net", "host", "busybox", "--", "cat", "/etc/resolv.conf");
        Assert.True(host.Code == 0, host.Output);
        Assert.Equal(File.ReadAllText("/etc/resolv.conf"), host.Output);
    }

    [Fact]
    public void ARunFromADirectoryThatIsGoneEndsWithTheContainersStatus()
    {
        // The caller's directory removed under it: the executor works from "/", as a daemon
        // does, rather than failing in getcwd(3) once the pod has ended (it said "internal
        // error: IO_FileNotFound" and exit 1 for a command that printed a line).
        string gone = Directory.CreateTempSubdirectory("podunits-gone-cwd-").FullName;
        var run = PodHarness.Run("sh", "-c", $"cd {gone} && rmdir {gone} && exec /usr/bin/podunits run -i --name it-gone-cwd busybox -- sh -c 'echo printed; exit 3'");
        Assert.True(run.Code == 3, run.Output);
        Assert.Equal("printed\n", run.Output);
    }

    /// <summary>Review of the merged confinement change, 2026-12-07, finding 1: a root shell's
    /// umask 077 came along into everything `run -i` made for the container (its `/`, its /etc
    /// files, its working directory), which a non-root command could then not use.</summary>
    [Fact]
    public void TheCallersUmaskDoesNotShapeTheContainer()
    {
        var run = PodHarness.Run("sh", "-c", "umask 077; exec /usr/bin/podunits run -i --name it-umask --net host -u 65534 -w /new/dir busybox -- "
            + "sh -c 'stat -c %a / /etc/resolv.conf /etc/hosts /new/dir; umask'");
        Assert.True(run.Code == 0, run.Output);
        Assert.Equal("755\n644\n644\n755\n0022\n", run.Output);
    }

    /// <summary>Interactive review of 2026-12-07, finding 8: `-e NAME` without a value was
    /// refused; as with podman it takes the caller's value, and nothing when unset.</summary>
    [Fact]
    public void EnvWithoutAValueTakesTheCallersValue()
    {
        var run = PodHarness.Run("sh", "-c", "unset PODUNITS_TEST_UNSET; PODUNITS_TEST_FOO='from caller' exec /usr/bin/podunits run -i --name it-env-bare --net host "
            + "-e PODUNITS_TEST_FOO -e PODUNITS_TEST_UNSET busybox -- sh -c 'echo \"foo=$PODUNITS_TEST_FOO unset=${PODUNITS_TEST_UNSET-none}\"'");
        Assert.True(run.Code == 0, run.Output);
        Assert.Equal("foo=from caller unset=none\n", run.Output);
    }

    [Fact]
    public void AnImageWhoseRegistryCannotBeReachedIsOneLineNamingIt()
    {
        // Nothing listens on a free loopback port: connection refused, not an internal error.
        string registry = $"127.0.0.1:{Images.RegistryFixture.FreePort()}";
        var run = PodHarness.Run("podunits", "run", "-i", "--name", "it-unreachable", $"{registry}/app:1", "--", "true");
        Assert.True(run.Code == 1, run.Output);
        Assert.EndsWith($"image {registry}/app:1: cannot reach registry {registry}: connection refused\n", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", run.Output, StringComparison.Ordinal);
        var fetch = PodHarness.Run("podunits", "image", "fetch", $"{registry}/app:1");
        Assert.True(fetch.Code == 1, fetch.Output);
        Assert.EndsWith($"podunits: image {registry}/app:1: cannot reach registry {registry}: connection refused\n", fetch.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists("/run/podunits/state/it-unreachable"));
    }

    [Fact]
    public void AVolumeMissingOnTheHostIsBadInputBeforeAnythingStarts()
    {
        // It failed in the container's setup with "open_tree ... (errno 2)" and exit 125.
        var run = PodHarness.Run("podunits", "run", "-i", "--name", "it-no-volume", "--volume", "/no/such/dir:/data", "busybox", "--", "true");
        Assert.True(run.Code == 2, run.Output);
        Assert.Equal("podunits: --volume: /no/such/dir does not exist on the host\n", run.Output);
        Assert.False(Directory.Exists("/run/podunits/state/it-no-volume"));
    }
}
