using System.Globalization;

namespace PodUnits.Runtime.Spawning;

/// <summary>
/// One message of the protocol between the executor and the pod init (docs/process-model.md,
/// "Control protocol"), typed: every message has one record here, which formats itself as the
/// words that travel in one packet of <see cref="ControlChannel"/>, and <see cref="Parse"/>
/// reads them back. A packet that is no message of this list is a <see cref="ProtocolException"/>,
/// which the receiver logs: the two ends are one build, so it can only be a bug.
/// Container names are DNS labels (no spaces), so they are single words; only
/// <see cref="Failed.Why"/> is free text, and it comes last.
/// </summary>
public abstract record PodControlMessage : IControlMessage
{
    /// <summary>The words sent in one packet.</summary>
    public abstract string Format();

    /// <summary>The message <paramref name="text"/> (one packet) carries.</summary>
    /// <exception cref="ProtocolException">It is none of the protocol's messages.</exception>
    public static PodControlMessage Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] words = text.Split(' ', 2);
        string rest = words.Length > 1 ? words[1] : "";
        string[] args = rest.Length == 0 ? [] : rest.Split(' ');
        return (words[0], args) switch
        {
            ("setup-done", []) => new SetupDone(),
            ("leader", []) => new Leader(),
            ("started", [string c, string pid]) when Number(pid) is int p => new Started(c, p),
            ("running", [string c, string pid]) when Number(pid) is int p => new Running(c, p),
            ("exited", [string c, string code]) when Number(code) is int n => new Exited(c, n),
            ("exited", [string c, string code, "killed"]) when Number(code) is int n => new Exited(c, n, Killed: true),
            ("exited", [string c, string code, "unstarted"]) when Number(code) is int n => new Exited(c, n, NeverRan: true),
            ("exited", [string c, string code, "killed", "unstarted"]) when Number(code) is int n => new Exited(c, n, Killed: true, NeverRan: true),
            ("restarting", [string c, string delay]) when Number(delay) is int d => new Restarting(c, d),
            ("stopping", []) => new Stopping(),
            ("finishing", []) => new Finishing(StopRequested: false),
            ("finishing", ["stop"]) => new Finishing(StopRequested: true),
            ("failed", _) when rest.Length > 0 => new Failed(rest),
            ("go", [string c, string pid]) when Number(pid) is int p => new Go(c, p),
            ("drained", []) => new Drained(),
            ("stop", []) => new StopPod(),
            ("kill", [string c, string pid, string grace]) when Number(pid) is int p && Number(grace) is int g => new KillContainer(c, p, g),
            ("kill", [string c, string pid, string grace, "hook"]) when Number(pid) is int p && Number(grace) is int g => new KillContainer(c, p, g, ByProbe: false),
            ("prestop", [string c, string pid, string left]) when Number(pid) is int p && Number(left) is int l => new PreStop(c, p, l),
            ("prestopped", [string c, string pid]) when Number(pid) is int p => new PreStopped(c, p),
            ("up", [string c, string pid]) when Number(pid) is int p => new Up(c, p),
            _ => throw new ProtocolException(text),
        };
    }

    private static int? Number(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;

    // From the pod init to the executor.

    /// <summary>Namespaces, mounts and hostname are ready; the pod's journald is starting.</summary>
    public sealed record SetupDone : PodControlMessage
    {
        public override string Format() => "setup-done";
    }

    /// <summary>The pod's machine leader (a pod with its own user namespace: the process
    /// machined reads the UID shift of) comes with this message as a pidfd (SCM_RIGHTS).</summary>
    public sealed record Leader : PodControlMessage
    {
        public override string Format() => "leader";
    }

    /// <summary>container-start for <paramref name="Container"/> runs as pod PID
    /// <paramref name="Pid"/>, waiting for <see cref="Go"/>.</summary>
    public sealed record Started(string Container, int Pid) : PodControlMessage
    {
        public override string Format() => string.Create(CultureInfo.InvariantCulture, $"started {Container} {Pid}");
    }

    /// <summary>The container's run that is pod PID <paramref name="Pid"/> has exec'd its
    /// command. With its PID, as every message about one run: a late one of a run that
    /// ended must not make the next run, still waiting for <see cref="Go"/>, "running"
    /// (supervision review of 2026-12-06, finding 1).</summary>
    public sealed record Running(string Container, int Pid) : PodControlMessage
    {
        public override string Format() => string.Create(CultureInfo.InvariantCulture, $"running {Container} {Pid}");
    }

    /// <summary>The container ended: <paramref name="Code"/> is its status, or 128 + signal.
    /// <paramref name="Killed"/>: the pod init had acted on a <see cref="KillContainer"/>
    /// of this run (it ignores one for a run that had ended already, or while the pod stops),
    /// so the run's end is the kill's (a probe's restarts it whatever its status).
    /// <paramref name="NeverRan"/>: the run still waited for <see cref="Go"/> when the pod
    /// stopped, and gave up (its status is its set-up's, or the stop's signal): its command
    /// never ran, so its end counts for nothing. Said by the pod init, which alone knows
    /// whether a "go" reached the run (lifecycle review of 2026-12-07, finding 5).</summary>
    public sealed record Exited(string Container, int Code, bool Killed = false, bool NeverRan = false) : PodControlMessage
    {
        public override string Format() => string.Create(CultureInfo.InvariantCulture,
            $"exited {Container} {Code}{(Killed ? " killed" : "")}{(NeverRan ? " unstarted" : "")}");
    }

    /// <summary>The container that just exited starts again, as its restart policy says, in
    /// <paramref name="DelaySeconds"/> (the back-off; 0 = now).</summary>
    public sealed record Restarting(string Container, int DelaySeconds) : PodControlMessage
    {
        public override string Format() => string.Create(CultureInfo.InvariantCulture, $"restarting {Container} {DelaySeconds}");
    }

    /// <summary>The pod stops, for whatever reason (a stop asked of either end, machinectl
    /// poweroff, its last container but sidecars ended, an eviction): the pod init acts on no
    /// <see cref="KillContainer"/> from now on, so the executor stops probing and says
    /// nothing of a restart.</summary>
    public sealed record Stopping : PodControlMessage
    {
        public override string Format() => "stopping";
    }

    /// <summary>Every container is gone (<paramref name="StopRequested"/>: because a stop was
    /// asked for); the pod init waits for <see cref="Drained"/>, stops its journald and exits.</summary>
    public sealed record Finishing(bool StopRequested) : PodControlMessage
    {
        public override string Format() => StopRequested ? "finishing stop" : "finishing";
    }

    /// <summary>The run of the container that is pod PID <paramref name="Pid"/> is about to be
    /// stopped (the pod stops, or a probe asked for its kill): run its preStop hook and answer
    /// <see cref="PreStopped"/>; its SIGTERM waits for that, or for the end of its grace
    /// period, <paramref name="SecondsLeft"/> from now (the pod init keeps the deadlines: a
    /// stop that came while a probe's kill began holds the hook to the stop's).</summary>
    public sealed record PreStop(string Container, int Pid, int SecondsLeft) : PodControlMessage
    {
        public override string Format() => string.Create(CultureInfo.InvariantCulture, $"prestop {Container} {Pid} {SecondsLeft}");
    }

    /// <summary>The pod could not be set up, and why (free text, one line).</summary>
    public sealed record Failed(string Why) : PodControlMessage
    {
        public override string Format() => $"failed {Why.ReplaceLineEndings(" ")}";
    }

    // From the executor to the pod init.

    /// <summary>The container's run that is pod PID <paramref name="Pid"/> is in its scope:
    /// its container-start may exec. With its PID: a "go" meant for a run that died
    /// meanwhile must not let the next one exec before it is in its scope, outside its
    /// limits (supervision review of 2026-12-06, finding 2).</summary>
    public sealed record Go(string Container, int Pid) : PodControlMessage
    {
        public override string Format() => string.Create(CultureInfo.InvariantCulture, $"go {Container} {Pid}");
    }

    /// <summary>Every container output has ended and is forwarded: the pod's journald may stop.</summary>
    public sealed record Drained : PodControlMessage
    {
        public override string Format() => "drained";
    }

    /// <summary>Stop the pod gracefully.</summary>
    public sealed record StopPod : PodControlMessage
    {
        public override string Format() => "stop";
    }

    /// <summary>The preStop hook of run <paramref name="Pid"/> has ended (whatever its outcome,
    /// which the executor logs): it may have its SIGTERM now.</summary>
    public sealed record PreStopped(string Container, int Pid) : PodControlMessage
    {
        public override string Format() => string.Create(CultureInfo.InvariantCulture, $"prestopped {Container} {Pid}");
    }

    /// <summary>Run <paramref name="Pid"/> of the container no longer holds back the next
    /// container: a sidecar is started in Kubernetes' sense (its postStart hook ended well,
    /// its startup probe passed), another container's postStart hook ended well. Sent only for
    /// those two; the PID tells this run's "up" from a late one of the run before.</summary>
    public sealed record Up(string Container, int Pid) : PodControlMessage
    {
        public override string Format() => string.Create(CultureInfo.InvariantCulture, $"up {Container} {Pid}");
    }

    /// <summary>Kill run <paramref name="Pid"/> of this container: SIGTERM, SIGKILL after
    /// <paramref name="GraceSeconds"/>. <paramref name="ByProbe"/> (a failed liveness or
    /// startup probe): it restarts unless its policy is Never, whatever its status, as the
    /// kubelet restarts a container its probe failed. Otherwise (a failed postStart hook,
    /// "hook") its exit status decides as for any exit: under OnFailure a run that ends its
    /// SIGTERM with 0 stays down, as the kubelet leaves it (health review of 2026-12-06,
    /// finding 6). The PID keeps a kill meant for a run that has just ended from hitting the
    /// next one, started at once after it.</summary>
    public sealed record KillContainer(string Container, int Pid, int GraceSeconds, bool ByProbe = true) : PodControlMessage
    {
        public override string Format() => string.Create(CultureInfo.InvariantCulture, $"kill {Container} {Pid} {GraceSeconds}{(ByProbe ? "" : " hook")}");
    }
}

/// <summary>A packet on a control channel that is none of its protocol's messages.</summary>
public sealed class ProtocolException(string text)
    : Exception($"protocol error: unknown control message \"{(text.Length > 80 ? text[..80] + "..." : text)}\"")
{
    public string Text { get; } = text;
}
