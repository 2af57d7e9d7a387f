using System.Globalization;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.Spawning;

namespace PodUnits.Runtime.Container;

/// <summary>
/// <c>podunits-stage1 container-exec PLAN C FLAGS -- ARGV...</c>: a process started inside a
/// running container by `podunits enter` or an exec probe (<see cref="Exec.ExecLauncher"/>,
/// which spawned it already in the pod's PID, network, UTS and IPC namespaces). It waits on
/// its control socket (fd 3) until the launcher has moved it into the container's scope,
/// joins the container's mount namespace through the container's pidfd (fd 4), and becomes
/// the command exactly as the container's own process was started: its user, groups,
/// capabilities, no_new_privs and seccomp filter, with the plan's environment, never one read
/// from /proc. With a terminal it opens a pseudo-terminal of the container's own devpts and
/// hands the master to the launcher, so the administrator's terminal never reaches container
/// code. Fd 3 is close-on-exec: it closes with nothing sent when the command runs.
/// </summary>
public static class ContainerExec
{
    public const int ControlFd = 3;
    public const int PidFd = 4;
    /// <summary>The plan, the container's part alone (ExecLauncher), as a sealed memfd.</summary>
    public const int PlanFd = 5;

    /// <summary>FLAGS: "tty", "privileged" and "bound=HEX" (the most capabilities the command may
    /// hold: <see cref="Exec.ExecRequest.BoundingSet"/>), comma-separated, or "-".</summary>
    public static string Flags(bool tty, bool privileged, ulong? bound) =>
        string.Join(',', new[] { tty ? "tty" : null, privileged ? "privileged" : null, bound is ulong b ? $"{BoundFlag}{b:x}" : null }
            .OfType<string>().DefaultIfEmpty("-"));

    private const string BoundFlag = "bound=";


    public static int Run(string planPath, string containerName, string flags, IReadOnlyList<string> argv, IReadOnlyList<string> extraEnv)
    {
        ArgumentNullException.ThrowIfNull(flags);
        Check.Io(LibcExtra.fcntl(ControlFd, LibcExtra.F_SETFD, LibcExtra.FD_CLOEXEC), "fcntl F_SETFD");
        using var control = new ControlChannel(ControlFd);
        string[] set = flags.Split(',');
        try
        {
            // This runs twice: the second time re-executed and forked inside the
            // container's namespaces (UserNamespaceEntry).
            bool entered = UserNamespaceEntry.Entered;
            PodPlan pod = UserNamespaceEntry.ReadPlan(planPath);
            if (!entered)
            {
                // Reopened for the re-executed process (UserNamespaceEntry.Join); this copy must
                // not reach the command.
                State.PlanHandoff.KeepFromChildren(planPath);
            }
            ContainerPlan c = pod.Containers.SingleOrDefault(x => x.Name == containerName)
                ?? throw new PodUnitsException($"pod {pod.Name}", $"has no container {containerName}");
            if (!entered)
            {
                if (control.ReceiveExecMessage(out int[] fds) is not ExecControlMessage.Go || fds.Length > 0)
                {
                    Array.ForEach(fds, fd => LibcExtra.close(fd));
                    return ContainerCommand.SetupFailed; // the launcher gave up before placing us in the scope
                }
                // Before the user namespace: what is dropped from the bounding set here no
                // process of the command can ever regain, in any namespace.
                if (set.FirstOrDefault(f => f.StartsWith(BoundFlag, StringComparison.Ordinal)) is { } bound)
                {
                    LimitBoundingSet(ulong.Parse(bound.AsSpan(BoundFlag.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                }
                // Into the container's mount namespace before its PID namespace, never the
                // other way round: a process the container can see must not see the host's
                // root (enter.c, join_and_fork). The process goes on in the child forked there.
                UserNamespaceEntry.Join(planPath, Arguments(containerName, flags, extraEnv, argv), PidFd, ControlFd, pod.Users is not null);
            }
            if (set.Contains("tty"))
            {
                // In the pod's user namespace by now, if it has one: its IDs are the container's.
                ContainerTerminal.Attach(control, "", "podunits enter", c.Uid);
            }
            List<string> env = [.. c.Env.Where(e => !extraEnv.Any(x => SameName(x, e))), .. extraEnv];
            if (PodAddressTokens.AnyIn(env))
            {
                env = PodAddressTokens.Replace(env, PodAddressTokens.CurrentAddresses()); // in the pod's network namespace
            }
            // The caller names the pod and the container before what is sent back.
            string named = $"container {containerName}: ";
            return ContainerCommand.Exec(c, argv, env, confine: !set.Contains("privileged"),
                why => control.Send(new ExecControlMessage.Failed(why.StartsWith(named, StringComparison.Ordinal) ? why[named.Length..] : why)));
        }
        catch (Exception e) when (e is PodUnitsException or IOException or UnauthorizedAccessException or ProtocolException)
        {
            control.Send(new ExecControlMessage.Failed(e.Message));
            return ContainerCommand.SetupFailed;
        }
    }

    /// <summary>The verb's arguments after PLAN: C FLAGS [--env K=V]... -- ARGV...</summary>
    public static List<string> Arguments(string container, string flags, IEnumerable<string> extraEnv, IEnumerable<string> argv) =>
        [container, flags, .. extraEnv.SelectMany(e => new[] { "--env", e }), "--", .. argv];

    /// <summary>Drops from this process's bounding set every capability <paramref name="bound"/>
    /// lacks; the container's last steps then grant only what the bounding set still holds
    /// (become.c), as for the container's own process started within pod@NAME.service.</summary>
    private static void LimitBoundingSet(ulong bound)
    {
        for (int cap = 0; cap < 64; cap++)
        {
            if ((bound >> cap & 1) == 0 && LibcExtra.prctl(LibcExtra.PR_CAPBSET_READ, (ulong)cap, 0, 0, 0) == 1)
            {
                Check.Io(LibcExtra.prctl(LibcExtra.PR_CAPBSET_DROP, (ulong)cap, 0, 0, 0), "prctl PR_CAPBSET_DROP", $"capability {cap}");
            }
        }
    }

    private static bool SameName(string a, string b)
    {
        int eq = a.IndexOf('=', StringComparison.Ordinal);
        return eq > 0 && b.StartsWith(a[..(eq + 1)], StringComparison.Ordinal);
    }
}
