using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.Executor;

/// <summary>
/// readinessProbe: exec runs the command inside the container (its namespaces, root and
/// user, through nsenter(1): entering a mount namespace needs a single-threaded caller, so it
/// is not done in this process); tcpSocket connects to 127.0.0.1:PORT from inside the pod's
/// network namespace (a thread that setns()es into it: the socket belongs to the namespace it
/// was created in). Success = exit status 0 / a completed connect within a second.
/// </summary>
public static class ReadinessProbes
{
    public static bool Check(ProbePlan probe, int hostPid, ContainerPlan container)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(container);
        if (probe.Exec is { Count: > 0 } argv)
        {
            return Exec(hostPid, container, argv);
        }
        return probe.TcpPort is int port && Tcp(hostPid, port);
    }

    private static bool Exec(int hostPid, ContainerPlan c, IReadOnlyList<string> argv)
    {
        var info = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-t", hostPid.ToString(CultureInfo.InvariantCulture), "-m", "-u", "-i", "-n", "-p", "-r", "-w",
            "-S", c.Uid.ToString(CultureInfo.InvariantCulture), "-G", c.Gid.ToString(CultureInfo.InvariantCulture), "--" })
        {
            info.ArgumentList.Add(a);
        }
        foreach (string a in argv)
        {
            info.ArgumentList.Add(a);
        }
        try
        {
            using Process p = Process.Start(info)!;
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(1)))
            {
                p.Kill(entireProcessTree: true);
                return false;
            }
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
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
                ok = socket.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromSeconds(1));
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
