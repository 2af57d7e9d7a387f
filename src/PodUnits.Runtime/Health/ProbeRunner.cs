using System.Net;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using PodUnits.Runtime.Exec;
using PodUnits.Runtime.Plan;
using PodUnits.Systemd.Units;
using Tmds.Linux;

namespace PodUnits.Runtime.Health;

/// <summary>
/// Runs one probe or lifecycle hook the way the kubelet does. exec runs the command inside the
/// container confined exactly as the container's own process (<see cref="ExecLauncher"/>: its
/// namespaces, root, scope, credentials, capabilities and seccomp filter, the plan's
/// environment), its output (the first 10 KiB) becoming the message; tcpSocket, httpGet and
/// grpc connect from the pod's network namespace (<see cref="NetnsSockets"/>) to the probe's
/// host, else to the pod's address (the kubelet's default; 127.0.0.1 with the host's
/// network, where the kubelet would use the node's address). Each is bounded by
/// timeoutSeconds.
/// </summary>
public sealed class ProbeRunner(PodPlan plan, SystemdManager systemd, NetnsSockets sockets, IPAddress podAddress)
{
    private const int MaxOutput = 10 * 1024;

    /// <summary>A timeout .NET's timers take: at most 24 days (as good as none for a probe or
    /// a hook; a preStop's is the grace period, which may be 68 years), infinite as it is.</summary>
    private static TimeSpan Bounded(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan || timeout <= TimeSpan.FromDays(24) ? timeout : TimeSpan.FromDays(24);

    public Task<ProbeOutcome> RunAsync(ContainerPlan container, int hostPid, ProbePlan probe, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(probe);
        // .NET's timers take at most 49.7 days: a longer timeoutSeconds threw from
        // CancelAfter, after an exec probe had opened its descriptors (health review of
        // 2026-12-06, finding 8). 24 days is as good as no timeout for a probe.
        var timeout = Bounded(TimeSpan.FromSeconds(probe.TimeoutSeconds));
        if (probe.Exec is { Count: > 0 } argv)
        {
            return ExecAsync(container, hostPid, argv, timeout);
        }
        if (probe.HttpGet is { } get)
        {
            return HttpAsync(get, timeout, cancel);
        }
        if (probe.Grpc is { } grpc)
        {
            return GrpcHealthProbe.CheckAsync(sockets.Create, grpc, podAddress, timeout, cancel);
        }
        return probe.TcpPort is int port
            ? TcpAsync(probe.TcpHost, port, timeout, cancel)
            : Task.FromResult(new ProbeOutcome(false, "the probe has no handler"));
    }

    /// <summary>A postStart or preStop hook, as the kubelet runs it: exec as a probe's exec;
    /// httpGet where any response succeeds; sleep waits here, with no process at all.
    /// <paramref name="timeout"/> bounds it (infinite for postStart, as the kubelet's).</summary>
    public async Task<ProbeOutcome> RunHookAsync(ContainerPlan container, int hostPid, HookPlan hook, TimeSpan timeout, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(hook);
        timeout = Bounded(timeout);
        if (hook.Exec is { Count: > 0 } argv)
        {
            return await ExecAsync(container, hostPid, argv, timeout).ConfigureAwait(false);
        }
        if (hook.HttpGet is { } get)
        {
            return await HttpAsync(get, timeout, cancel, hook: true).ConfigureAwait(false);
        }
        int seconds = hook.SleepSeconds ?? 0;
        TimeSpan sleep = TimeSpan.FromSeconds(seconds);
        await Task.Delay(sleep < timeout || timeout == Timeout.InfiniteTimeSpan ? sleep : timeout, cancel).ConfigureAwait(false);
        return ProbeOutcome.Passed("");
    }

    public async Task<ProbeOutcome> HttpAsync(HttpGetPlan get, TimeSpan timeout, CancellationToken cancel, bool hook = false)
    {
        ArgumentNullException.ThrowIfNull(get);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        return await Addresses(get.Host, timeout, cancel).ConfigureAwait(false) is { } addresses
            ? await HttpProbe.CheckAsync(sockets.Create, get, addresses, Left(timeout, started), cancel, hook).ConfigureAwait(false)
            : new ProbeOutcome(false, $"host \"{get.Host}\" has no address");
    }

    private async Task<ProbeOutcome> TcpAsync(string? host, int port, TimeSpan timeout, CancellationToken cancel)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        return await Addresses(host, timeout, cancel).ConfigureAwait(false) is { } addresses
            ? await TcpProbe.CheckAsync(sockets.Create, addresses, port, Left(timeout, started), cancel).ConfigureAwait(false)
            : new ProbeOutcome(false, $"host \"{host}\" has no address");
    }

    /// <summary>What is left of <paramref name="timeout"/> since <paramref name="started"/>
    /// (a host name's lookup, or an exec's spawn, took the rest: one deadline for the whole
    /// probe, as the kubelet's has); a millisecond at least, so the probe still fails as a timeout.</summary>
    private static TimeSpan Left(TimeSpan timeout, long started) =>
        timeout == Timeout.InfiniteTimeSpan ? timeout
            : TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, (timeout - System.Diagnostics.Stopwatch.GetElapsedTime(started)).Ticks));

    /// <summary>The probe's host (an address, or a name the host's resolver knows, as the
    /// kubelet resolves it on the node, with all its addresses), else the pod's address. The lookup counts in the
    /// probe's timeout, as the kubelet's dial deadline covers it: unreachable resolvers (5 s
    /// per try and server) must not make a liveness probe three times as slow to fail.</summary>
    private async Task<IPAddress[]?> Addresses(string? host, TimeSpan timeout, CancellationToken cancel)
    {
        if (host is null)
        {
            return [podAddress];
        }
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            return [literal];
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        try
        {
            // Every address, in the resolver's order: the probe tries each (TcpProbe).
            IPAddress[] found = await Dns.GetHostAddressesAsync(host, deadline.Token).ConfigureAwait(false);
            return found.Length == 0 ? null : found;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ArgumentException)
        {
            return null; // unknown, or no host name at all (longer than 255 characters)
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return null; // timed out: "has no address", as an unknown name
        }
    }

    public async Task<ProbeOutcome> ExecAsync(ContainerPlan c, int hostPid, IReadOnlyList<string> argv, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(c);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        // timeoutSeconds counts from the start: the helper's spawn, its move into the scope and
        // the command's execve are part of it, as the kubelet's CRI ExecSync deadline covers them.
        // Made before any descriptor is opened: nothing may throw between those and the try.
        using var launch = new CancellationTokenSource(Bounded(timeout));
        // The host's node on a read-write mount: become.c puts the container's read-only
        // /dev/null in its place (stage 1 native review of 2026-12-07, finding 2).
        int devNull = Check.Io(LibcExtra.open("/dev/null", LibcExtra.O_RDWR | LibcExtra.O_CLOEXEC, 0), "open", "/dev/null");
        (int outRead, int outWrite) = Spawning.Spawner.Pipe();
        ExecProcess process;
        try
        {
            process = await ExecLauncher.StartAsync(new ExecRequest
            {
                Pod = plan, Container = c, ContainerPid = hostPid, Argv = argv,
                Stdio = (devNull, outWrite, outWrite), Stage1Path = Executor.Stage1.Self,
            }, systemd, launch.Token).ConfigureAwait(false);
        }
        catch (PodUnitsException e)
        {
            LibcExtra.close(outRead);
            return new ProbeOutcome(false, e.Message); // not found, not executable, the container gone
        }
        catch (OperationCanceledException) when (launch.IsCancellationRequested)
        {
            LibcExtra.close(outRead);
            return new ProbeOutcome(false, $"command timed out after {timeout.TotalSeconds:0}s (it had not started)");
        }
        catch
        {
            LibcExtra.close(outRead);
            throw;
        }
        finally
        {
            LibcExtra.close(devNull);
            LibcExtra.close(outWrite);
        }
        (int endedRead, int endedWrite) = Spawning.Spawner.Pipe();
        using (process)
        {
            // Threads of their own: both block (poll, waitpid) for as long as the command runs,
            // a postStart hook's for minutes, and on a 2-core host two pool threads per hook
            // or probe held the executor's own work (the supervision loop, the other probes'
            // timers) until the pool grew, one thread per half second (health review of
            // 2026-12-06, finding 5).
            Task<string> output = Task.Factory.StartNew(() => ReadOutput(outRead, endedRead), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            Task<int> exit = Task.Factory.StartNew(process.WaitForExit, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            bool timedOut = false;
            int code;
            try
            {
                try
                {
                    await exit.WaitAsync(Left(timeout, started)).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    timedOut = true;
                    process.Kill();
                }
                code = await exit.ConfigureAwait(false);
            }
            finally
            {
                LibcExtra.close(endedWrite); // the command has ended: ReadOutput drains what is left
            }
            string text = await output.ConfigureAwait(false);
            return timedOut
                ? new ProbeOutcome(false, $"command timed out after {timeout.TotalSeconds:0}s" + (text.Length > 0 ? $": {text}" : ""))
                : new ProbeOutcome(code == 0, code == 0 ? text : $"command exited with {code}" + (text.Length > 0 ? $": {text}" : ""));
        }
    }

    /// <summary>How long the output is still read once the command has ended: what it wrote
    /// is in the pipe by then, but a process it left behind (`curl ... &`, a daemon a
    /// postStart hook starts) may hold the pipe open for ever, and the probe's outcome must not
    /// wait for that (the kubelet's CRI call has a deadline too).</summary>
    private const int OutputDrainMilliseconds = 100;

    /// <summary>The command's output up to <see cref="MaxOutput"/> bytes, read as it comes so
    /// the command never blocks on a full pipe, until the pipe ends or, once
    /// <paramref name="ended"/> (a pipe whose write end is closed when the command has ended)
    /// reports the end, for <see cref="OutputDrainMilliseconds"/> more, however much a
    /// process it left behind goes on writing. The pipe such a process still holds is then
    /// <see cref="LeftoverOutput"/>'s, which reads it until that process closes it.</summary>
    private static unsafe string ReadOutput(int fd, int ended)
    {
        var kept = new MemoryStream();
        byte* buffer = stackalloc byte[4096];
        pollfd* wait = stackalloc pollfd[2];
        long drainUntil = long.MaxValue;
        bool atEnd = false;
        try
        {
            while (drainUntil == long.MaxValue || Environment.TickCount64 < drainUntil)
            {
                wait[0] = new pollfd { fd = fd, events = LibC.POLLIN };
                wait[1] = new pollfd { fd = ended, events = LibC.POLLIN };
                int slice = drainUntil == long.MaxValue ? -1 : (int)Math.Max(0, drainUntil - Environment.TickCount64);
                int ready = LibC.poll(wait, drainUntil == long.MaxValue ? 2u : 1u, slice);
                if (ready < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == LibC.EINTR)
                {
                    continue;
                }
                if (ready <= 0)
                {
                    break; // drained, or poll failed
                }
                if (drainUntil == long.MaxValue && wait[1].revents != 0)
                {
                    drainUntil = Environment.TickCount64 + OutputDrainMilliseconds;
                }
                if (wait[0].revents == 0)
                {
                    continue;
                }
                long n = LibcExtra.read(fd, buffer, 4096);
                if (n == 0 || (n < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() != LibC.EINTR))
                {
                    atEnd = true;
                    break;
                }
                int keep = (int)Math.Clamp(n, 0, MaxOutput - kept.Length);
                kept.Write(new ReadOnlySpan<byte>(buffer, keep));
            }
        }
        finally
        {
            if (atEnd)
            {
                LibcExtra.close(fd);
            }
            else
            {
                LeftoverOutput.Adopt(fd); // a process the command started may still write to it
            }
            LibcExtra.close(ended);
        }
        return ProbeText.CommandOutput(new ReadOnlySpan<byte>(kept.GetBuffer(), 0, (int)kept.Length));
    }
}
