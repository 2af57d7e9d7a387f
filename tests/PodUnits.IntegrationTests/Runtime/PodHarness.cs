using System.Diagnostics;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Runs pods the way an administrator does: a definition in /etc/podunits/pods,
/// `systemctl daemon-reload` (the generator turns it into pod@NAME's drop-in) and
/// `systemctl start pod@NAME`; everything is checked from outside with the standard tools.
/// Each test uses its own pod name and removes its definition and state when disposed.
/// </summary>
/// <remarks>
/// Every harness runs the generator, because test classes run in parallel and any of them
/// may reload systemd at any time: a pod whose drop-in depended on whether another test
/// happened to reload in between (Restart= from restartPolicy, the log path chosen from
/// LogExtraFields=) made the suite flaky. With the drop-in always there, a pod's unit
/// settings are what its definition says, whoever reloads. The definition is written
/// atomically, so a concurrent generator never reads half of it.
/// </remarks>
internal sealed class PodHarness : IDisposable
{
    public PodHarness(string name, string yaml)
    {
        Name = name;
        Redefine(yaml);
    }

    /// <summary>Replaces the pod's definition (atomically) and reloads systemd, as a package
    /// upgrade's new file and the next daemon-reload would.</summary>
    public void Redefine(string yaml)
    {
        Directory.CreateDirectory("/etc/podunits/pods");
        string partial = $"/etc/podunits/pods/.{Name}.yaml.tmp";
        File.WriteAllText(partial, yaml);
        File.Move(partial, DefinitionPath, overwrite: true);
        Reload();
    }

    public string Name { get; }
    public string Unit => $"pod@{Name}.service";

    /// <summary>PODUNITS_VERBOSE=1 on pod@<paramref name="pod"/>.service, a drop-in as an
    /// administrator would add it, for as long as the result is not disposed: stage 1 then
    /// writes its timings (container-start's steps, each scope's) to the unit's stream.
    /// Before the harness, whose daemon-reload loads it.</summary>
    public static IDisposable VerboseExecutor(string pod)
    {
        string dropIn = $"/run/systemd/system/pod@{pod}.service.d";
        Directory.CreateDirectory(dropIn);
        File.WriteAllText($"{dropIn}/verbose.conf", "[Service]\nEnvironment=PODUNITS_VERBOSE=1\n");
        return new Removal(() =>
        {
            Directory.Delete(dropIn, recursive: true);
            Run("systemctl", "daemon-reload");
        });
    }

    private sealed class Removal(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }

    /// <summary>For pods whose commands have no SIGTERM handler and so, as PID 1 of their
    /// containers, outlive a stop's SIGTERM (the Kubernetes documentation's `sleep 3600`):
    /// Dispose kills their containers once the stop has begun instead of waiting out the
    /// grace period, which only makes the suite slower.</summary>
    public bool KillOnDispose { get; init; }
    private string DefinitionPath => $"/etc/podunits/pods/{Name}.yaml";

    /// <summary>The shell a test pod idles in until it is stopped. Its container has a PID
    /// namespace of its own, where the command is PID 1 and the kernel delivers it no
    /// signal it has no handler for: a bare `sleep` would outlive the stop's SIGTERM and end
    /// by the grace period's SIGKILL (a failed unit, exit 137). The trap makes SIGTERM end
    /// it at once, and `sleep &` plus `wait` lets the shell run the trap while it
    /// waits.</summary>
    public const string Idle = "trap 'exit 0' TERM; sleep 1000 & wait";

    /// <summary>A one-container busybox pod. restartPolicy is Never unless a test asks for
    /// another: a pod that fails on purpose must end failed, not restart.</summary>
    public static string BusyboxPod(string name, string command, string extraContainerYaml = "", string extraSpecYaml = "",
        string restartPolicy = "Never") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        spec:
          terminationGracePeriodSeconds: 5
          restartPolicy: {{restartPolicy}}
        {{extraSpecYaml}}
          containers:
            - name: main
              image: busybox
              command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(command)}}]
        {{extraContainerYaml}}
        """;

    public (int Code, string Output) Systemctl(params string[] args) => Run("systemctl", args);

    /// <summary>Starts `podunits ARGS...` (an ad-hoc pod, typically) with its stdio on pipes and
    /// returns at once: the caller waits for what it needs, and kills or disposes it.</summary>
    public static System.Diagnostics.Process StartPodunits(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/podunits") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        return System.Diagnostics.Process.Start(info)!;
    }

    /// <summary><see cref="StartPodunits"/> with SIGINT and SIGQUIT at their default action, as
    /// a shell's foreground job has them: a test host started in the background may have both
    /// ignored, and a program keeps a signal ignored that it was started with (nohup), PodUnits too.</summary>
    public static System.Diagnostics.Process StartPodunitsInterruptible(params string[] args) =>
        StartInterruptible(["/usr/bin/podunits", .. args]);

    private static System.Diagnostics.Process StartInterruptible(string[] argv)
    {
        var info = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); signal.signal(signal.SIGQUIT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])", .. argv])
        {
            info.ArgumentList.Add(a);
        }
        return System.Diagnostics.Process.Start(info)!;
    }

    /// <summary>systemctl start, which must succeed; when it does not, the failure says what
    /// systemctl, the unit's status and its journal said (a bare exit code explains nothing
    /// after the sandbox is gone).</summary>
    public void Start()
    {
        var start = Systemctl("start", Unit);
        if (start.Code != 0)
        {
            Assert.Fail($"systemctl start {Unit}: exit {start.Code}: {start.Output}\n"
                + Run("systemctl", "status", Unit, "--no-pager", "-l").Output + "\n"
                + string.Join('\n', Journal("-u", Unit, "-n", "60", "-o", "short-precise")));
        }
    }

    /// <summary>A sleep length for a pod's neighbour container (`sleep N`) that few other
    /// pods share; <see cref="NeighbourPid"/> keeps to this pod's scopes all the same (two
    /// pods' lengths once matched, and each test saw the other's process).</summary>
    public static int NeighbourSeconds(string pod) => 3600 + (pod.Length * 7 + pod[^1]) % 997;

    /// <summary>The host PID of this pod's neighbour container's `sleep N`, to show it never restarted.</summary>
    public string NeighbourPid() => string.Join('\n', PidsInScopes($"sleep {NeighbourSeconds(Name)}"));

    /// <summary>The host PIDs of the processes in this pod's container scopes whose whole
    /// command line is <paramref name="commandLine"/>.</summary>
    public IEnumerable<string> PidsInScopes(string commandLine)
    {
        string scopes = $"/podunits-{PodUnits.Systemd.Naming.UnitNameEscaping.Escape(Name)}-";
        return Run("pgrep", "-x", "-f", commandLine).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(pid => CgroupOf(pid).Contains(scopes, StringComparison.Ordinal));
    }

    private static string CgroupOf(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cgroup");
        }
        catch (IOException)
        {
            return ""; // it has ended
        }
    }

    /// <summary>Whether machined lists a machine of exactly this name. Not a substring of
    /// `machinectl list`: "rt-crash" is in "rt-crashloop", another class's pod that may run
    /// at the same time (a CI failure said "machine left registered" for that reason).</summary>
    public static bool MachineRegistered(string name) =>
        Run("machinectl", "list", "--no-legend").Output.Split('\n')
            .Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [string first, ..] && first == name);

    public string Show(string property, string? unit = null) =>
        Run("systemctl", "show", "-p", property, "--value", unit ?? Unit).Output.Trim();

    public int MainPid => int.Parse(Show("MainPID"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Lines of the host journal matching the pod (and more journalctl arguments), as MESSAGE only.</summary>
    public string[] Journal(params string[] matches) =>
        JournalOutput(["-o", "cat", .. matches]).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>journalctl's standard output alone. Its notices go to stderr (a file being
    /// rotated or truncated while a flood is written: "Journal file ... is truncated,
    /// ignoring file."), and -q silences the rest, so a notice is never counted as a line.</summary>
    public static string JournalOutput(params string[] arguments) => Execute("journalctl", ["--no-pager", "-q", .. arguments]).Stdout;

    /// <summary>Whether a line of the unit's journal satisfies <paramref name="match"/> within
    /// 10 s. journald reads a failed start's last messages from the unit's stream and its
    /// socket after the process is gone, so they can arrive after systemctl has returned.</summary>
    public bool UnitJournalHas(Func<string, bool> match) => WaitFor(() => Journal("-u", Unit).Any(match), 10);

    /// <summary>The unit's journal as one string, for assertion messages.</summary>
    public string UnitJournalText() => string.Join('\n', Journal("-u", Unit));

    /// <summary>`podunits status NAME`, for assertion messages.</summary>
    public static string StatusText(string pod) => Run("podunits", "status", pod).Output;

    /// <summary>A container's `health` in `podunits status NAME --output json` (null while the pod is not there).</summary>
    public static System.Text.Json.Nodes.JsonNode? ContainerHealth(string pod, string container)
    {
        var status = Run("podunits", "status", pod, "--output", "json");
        return status.Code != 0 ? null
            : System.Text.Json.Nodes.JsonNode.Parse(status.Output)?["containers"]?.AsArray()
                .FirstOrDefault(c => (string?)c!["name"] == container)?["health"];
    }

    /// <summary>Polls until <paramref name="condition"/> holds; false after <paramref name="seconds"/>.</summary>
    public static bool WaitFor(Func<bool> condition, double seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(100);
        }
        return condition();
    }

    /// <summary>Runs a command to its end; Output is its stdout followed by its stderr.</summary>
    public static (int Code, string Output) Run(string file, params string[] args)
    {
        var (code, stdout, stderr) = Execute(file, args);
        return (code, stdout + stderr);
    }

    private static (int Code, string Stdout, string Stderr) Execute(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using Process p = Process.Start(info)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    public void Dispose()
    {
        if (KillOnDispose && Show("ActiveState") == "active")
        {
            // The stop first, so that no restart policy brings a container back.
            Run("systemctl", "stop", "--no-block", Unit);
            WaitFor(() => Show("ActiveState") != "active", 10);
            Run("systemctl", "kill", "--signal=SIGKILL", $"podunits-{PodUnits.Systemd.Naming.UnitNameEscaping.Escape(Name)}-*.scope");
        }
        Run("systemctl", "stop", Unit);
        Run("systemctl", "reset-failed", Unit);
        File.Delete(DefinitionPath);
        Run("rm", "-rf", $"/var/lib/podunits/pods/{Name}");
        Reload();
    }

    /// <summary>systemctl daemon-reload, which runs the generator over every definition.</summary>
    private static void Reload()
    {
        var reload = Run("systemctl", "daemon-reload");
        if (reload.Code != 0)
        {
            throw new InvalidOperationException($"systemctl daemon-reload failed: {reload.Output}");
        }
    }
}
