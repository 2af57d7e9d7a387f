using System.Diagnostics;
using System.Globalization;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// One run of tests/hostile/escape-probe.c in a busybox pod with the default
/// securityContext, shared by every check of <see cref="HostileContainerTests"/>: the probe
/// comes in through a readOnly hostPath volume and is given the host's root disk and an
/// unbound loop device (MAJOR:MINOR) and the PID of a host process outside the pod.
/// </summary>
public class ProbeRun : IDisposable
{
    public const string PodName = "hostile-probe";
    private readonly PodHarness? _pod;

    public ProbeRun() : this(PodName, "", "")
    {
    }

    /// <param name="podSpec">More of the pod's spec (indented by two spaces, ending in a newline).</param>
    /// <param name="containerSpec">More of the container's (indented by six spaces, ending in a newline).</param>
    /// <param name="binDir">Where the probe comes from (a hostPath), if not <see cref="HostileBinaries.BinDir"/>.</param>
    protected ProbeRun(string podName, string podSpec, string containerSpec, Func<string>? binDir = null)
    {
        using Process outsider = Process.Start(new ProcessStartInfo("sleep", "300"))!;
        try
        {
            string bin = binDir?.Invoke() ?? HostileBinaries.BinDir;
            HostDevNullBefore = HostDevNull();
            string yaml = HostilePods.Pod(podName, podSpec + $$"""
                  volumes:
                    - name: probe
                      hostPath:
                        path: {{bin}}
                  containers:
                    - name: main
                      image: busybox
                      command: ["/probe/escape-probe"]
                      env:
                        - {name: HOSTILE_ROOT_DEV, value: "{{HostileBinaries.RootDiskDevice()}}"}
                        - {name: HOSTILE_LOOP_DEV, value: "{{HostileBinaries.UnusedLoopDevice()}}"}
                        - {name: HOSTILE_HOST_PID, value: "{{outsider.Id.ToString(CultureInfo.InvariantCulture)}}"}
                        - {name: HOSTILE_DEV_NULL, value: "{{HostDevNullBefore.Split(' ')[0]}}"}
                      volumeMounts:
                        - {name: probe, mountPath: /probe, readOnly: true}

                """ + containerSpec);
            _pod = new PodHarness(podName, yaml);
            Lines = HostilePods.RunUntil(_pod, "probe done:");
            Checks = [.. Lines.Select(ProbeLine.Parse).OfType<ProbeLine>()];
            HostDevNullAfter = HostDevNull();
            Report = Checks.Count > 0 ? string.Join('\n', Lines) : HostilePods.Explain(_pod, [.. Lines]);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            Report = $"the probe pod could not run: {e.Message}";
        }
        finally
        {
            outsider.Kill();
            outsider.WaitForExit();
        }
    }

    /// <summary>"DEV:INO CTIME" of the host's /dev/null before the probe ran and after: the
    /// probe's dev-node-chmod check changes a ctime it reaches, even to the same mode
    /// (confinement review of 2026-12-07, finding 1).</summary>
    public string HostDevNullBefore { get; } = "";

    public string HostDevNullAfter { get; } = "";

    private static string HostDevNull()
    {
        var stat = PodHarness.Run("stat", "-c", "%d:%i %z", "/dev/null");
        return stat.Code == 0 ? stat.Output.Trim() : throw new IOException($"stat /dev/null: {stat.Output}");
    }

    /// <summary>What the probe's container printed.</summary>
    public IReadOnlyList<string> Lines { get; } = [];

    internal IReadOnlyList<ProbeLine> Checks { get; } = [];

    /// <summary>Every probe line (or, if there are none, why), for failure messages.</summary>
    public string Report { get; }

    public void Dispose()
    {
        _pod?.Dispose();
        GC.SuppressFinalize(this);
    }
}
