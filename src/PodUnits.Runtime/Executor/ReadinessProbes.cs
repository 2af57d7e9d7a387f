using System.Net;
using System.Net.Sockets;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Exec;
using PodUnits.Runtime.Plan;
using PodUnits.Systemd.Units;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// readinessProbe: exec runs the command inside the container confined exactly as the
/// container's own process (<see cref="ExecLauncher"/>: its namespaces, root, scope,
/// credentials, capabilities and seccomp filter, the plan's environment); tcpSocket connects
/// to 127.0.0.1:PORT from inside the pod's network namespace (a thread that setns()es into
/// it: the socket belongs to the namespace it was created in). Success = exit status 0 / a
/// completed connect within a second.
/// </summary>
public sealed class ReadinessProbes(PodPlan plan, string planPath, SystemdManager systemd)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public async Task<bool> CheckAsync(ContainerPlan container, int hostPid)
    {
        ArgumentNullException.ThrowIfNull(container);
        ProbePlan probe = container.Readiness ?? throw new ArgumentException($"container {container.Name} has no readiness probe", nameof(container));
        if (probe.Exec is { Count: > 0 } argv)
        {
            return await ExecAsync(container, hostPid, argv).ConfigureAwait(false);
        }
        return probe.TcpPort is int port && Tcp(hostPid, port);
    }

    private async Task<bool> ExecAsync(ContainerPlan c, int hostPid, IReadOnlyList<string> argv)
    {
        int devNull = Check.Io(LibcExtra.open("/dev/null", LibcExtra.O_RDWR | LibcExtra.O_CLOEXEC, 0), "open", "/dev/null");
        ExecProcess process;
        try
        {
            process = await ExecLauncher.StartAsync(new ExecRequest
            {
                PlanPath = planPath, Pod = plan, Container = c, ContainerPid = hostPid, Argv = argv,
                Stdio = (devNull, devNull, devNull), Stage1Path = Environment.ProcessPath ?? "/proc/self/exe",
            }, systemd).ConfigureAwait(false);
        }
        catch (PodUnitsException)
        {
            return false; // not found, not executable, the container gone: the probe fails
        }
        finally
        {
            LibcExtra.close(devNull);
        }
        using (process)
        {
            Task<int> exit = Task.Run(process.WaitForExit);
            if (!exit.Wait(Timeout))
            {
                process.Kill();
            }
            return await exit.ConfigureAwait(false) == 0;
        }
    }

    private static bool Tcp(int hostPid, int port)
    {
        bool ok = false;
        var thread = new Thread(() =>
        {
            int fd = LibcExtra.open($"/proc/{hostPid}/ns/net", LibcExtra.O_CLOEXEC, 0);
            if (fd < 0 || LibcExtra.setns(fd, LibcExtra.CLONE_NEWNET) != 0)
            {
                if (fd >= 0)
                {
                    LibcExtra.close(fd);
                }
                return;
            }
            LibcExtra.close(fd);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                ok = socket.ConnectAsync(IPAddress.Loopback, port).Wait(Timeout);
            }
            catch (AggregateException)
            {
                ok = false;
            }
        }) { Name = "tcp probe" };
        thread.Start();
        thread.Join();
        return ok;
    }
}
