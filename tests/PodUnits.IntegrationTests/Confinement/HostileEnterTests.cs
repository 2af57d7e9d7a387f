using System.Globalization;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// `podunits enter` into a pod whose image sets LD_PRELOAD (issue 16): whatever runs, the
/// entered command and every program that loads the image's library, runs inside the
/// container with the container's capability set, seccomp filter and no_new_privs, never
/// as host root. The image is a dir: root filesystem with busybox, hostile-whoami (linked
/// against the libc shipped in the image) and /lib/hostile-preload.so, whose constructor
/// prints who runs it (tests/hostile/hostile-whoami.c).
/// </summary>
public sealed class HostileEnterTests : IDisposable
{
    private const string Podunits = "/usr/bin/podunits";
    private const string PodName = "hostile-enter";
    private const string HostLog = "/tmp/hostile-preload.log";
    private readonly PodHarness _pod;
    private readonly string[] _container;

    public HostileEnterTests()
    {
        string root = HostileBinaries.Rootfs("enter-root");
        // The second entry names the same library by its path on the host, as an image that
        // knows where its layers are unpacked can: a process that loads it before it is
        // inside the container runs the image's code as host root.
        string preload = $"/lib/hostile-preload.so {root}/lib/hostile-preload.so";
        _pod = new PodHarness(PodName, HostilePods.Pod(PodName, $$"""
              containers:
                - name: main
                  image: dir:{{root}}
                  command: ["/bin/sh", "-c", "grep -E '^(CapEff|CapBnd|Seccomp|Seccomp_filters|NoNewPrivs):' /proc/self/status | tr -s '\\t' ' '; echo mnt=$(readlink /proc/self/ns/mnt); echo container-ready; trap 'exit 0' TERM; sleep 1000 & wait"]
                  env:
                    - {name: LD_PRELOAD, value: "{{preload}}"}
            """));
        File.Delete(HostLog);
        _container = HostilePods.RunUntil(_pod, "container-ready");
    }

    public void Dispose()
    {
        _pod.Dispose();
        File.Delete(HostLog);
    }

    [Fact]
    public void EnterRunsTheImagesPreloadOnlyInsideWithTheContainersCapabilities()
    {
        Dictionary<string, string> own = ContainerStatus();
        var enter = PodHarness.Run(Podunits, "enter", PodName, "--", "/bin/hostile-whoami");
        string why = $"podunits enter {PodName} -- /bin/hostile-whoami (exit {enter.Code}) printed:\n{enter.Output}\n\n"
            + $"the container's own status: {string.Join(", ", own.Select(kv => $"{kv.Key}={kv.Value}"))}";
        string[] records = [.. enter.Output.Split('\n').Where(l => l.StartsWith("hostile-whoami ", StringComparison.Ordinal))];
        Assert.True(records.Any(r => r.StartsWith("hostile-whoami program:", StringComparison.Ordinal)), "the image's program did not run.\n" + why);
        foreach (string record in records)
        {
            Dictionary<string, string> who = Fields(record);
            Assert.True(who.GetValueOrDefault("mnt") == own.GetValueOrDefault("mnt"), $"ran outside the container's mount namespace: {record}\n\n{why}");
            Assert.True((Hex(who, "CapEff") & ~Hex(own, "CapEff")) == 0, $"ran with capabilities the container does not have: {record}\n\n{why}");
            Assert.True(Number(who, "Seccomp") >= Number(own, "Seccomp") && Number(who, "Seccomp_filters") >= Number(own, "Seccomp_filters"),
                $"ran without the container's seccomp filter: {record}\n\n{why}");
            Assert.True(Number(who, "NoNewPrivs") >= Number(own, "NoNewPrivs"), $"ran without the container's no_new_privs: {record}\n\n{why}");
        }
        Assert.False(File.Exists(HostLog), $"the image's library ran in the host's mount namespace and wrote {HostLog}:\n{(File.Exists(HostLog) ? File.ReadAllText(HostLog) : "")}\n{why}");
    }

    /// <summary>The entered command gets umask 0022, as runc gives every exec, not the caller's:
    /// a hardened root shell's 077 would make the files it writes into a shared volume
    /// unreadable to the pod's non-root containers (confinement review of 2026-12-07, finding 7).</summary>
    [Fact]
    public void EnterGivesTheCommandUmask0022WhateverTheCallersIs()
    {
        var enter = PodHarness.Run("bash", "-c", $"umask 077; {Podunits} enter {PodName} -- /bin/sh -c umask");
        Assert.True(enter.Output.Split('\n').Any(l => l.Trim() == "0022"),
            $"umask 077; podunits enter {PodName} -- sh -c umask (exit {enter.Code}) printed:\n{enter.Output}");
    }

    [Fact]
    public void EnterShowsTheContainersCapabilitySet()
    {
        Dictionary<string, string> own = ContainerStatus();
        var enter = PodHarness.Run(Podunits, "enter", PodName, "--", "grep", "Cap", "/proc/self/status");
        string why = $"podunits enter {PodName} -- grep Cap /proc/self/status (exit {enter.Code}) printed:\n{enter.Output}\n\n"
            + $"the container's own: CapEff {own.GetValueOrDefault("CapEff")}, CapBnd {own.GetValueOrDefault("CapBnd")}";
        Dictionary<string, string> entered = enter.Output.Split('\n')
            .Where(l => l.StartsWith("Cap", StringComparison.Ordinal) && l.Contains(':', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)], l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
        Assert.True(entered.TryGetValue("CapEff", out string? eff) && eff == own.GetValueOrDefault("CapEff"), why);
        Assert.True(entered.TryGetValue("CapBnd", out string? bnd) && bnd == own.GetValueOrDefault("CapBnd"), why);
    }

    /// <summary>What the container's own process reported about itself: CapEff, CapBnd,
    /// Seccomp, Seccomp_filters, NoNewPrivs, mnt.</summary>
    private Dictionary<string, string> ContainerStatus()
    {
        Assert.True(_container.Contains("container-ready"), HostilePods.Explain(_pod, _container));
        var own = new Dictionary<string, string>();
        foreach (string line in _container)
        {
            int cut = line.IndexOfAny([':', '=']);
            if (cut > 0)
            {
                own[line[..cut]] = line[(cut + 1)..].Trim();
            }
        }
        return own;
    }

    /// <summary>KEY=VALUE words of a hostile-whoami line.</summary>
    private static Dictionary<string, string> Fields(string record) =>
        record.Split(' ').Where(w => w.Contains('=', StringComparison.Ordinal))
            .ToDictionary(w => w[..w.IndexOf('=', StringComparison.Ordinal)], w => w[(w.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    /// <summary>A capability mask; a missing or unreadable one counts as every capability.</summary>
    private static ulong Hex(Dictionary<string, string> fields, string key) =>
        ulong.TryParse(fields.GetValueOrDefault(key), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong v) ? v : ulong.MaxValue;

    /// <summary>A status number; a missing or unreadable one counts as -1 (less than any).</summary>
    private static int Number(Dictionary<string, string> fields, string key) =>
        int.TryParse(fields.GetValueOrDefault(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : -1;
}
