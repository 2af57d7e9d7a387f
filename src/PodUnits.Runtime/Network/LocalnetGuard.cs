using System.Diagnostics;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;

namespace PodUnits.Runtime.Network;

/// <summary>
/// portmap publishes a hostPort on the host's 127.0.0.1 by setting route_localnet on the
/// host interface that routes to the pod (the bridge). From then on the kernel no longer
/// drops packets that arrive there for 127.0.0.0/8 as martians, and any pod on that bridge
/// (with CAP_NET_RAW, a default capability) reaches what the host binds to 127.0.0.1 only:
/// CVE-2020-8558, which portmap leaves to its users (containernetworking/plugins#729).
/// Kubernetes closed it with one rule of kube-proxy's; this is the same rule: whatever comes
/// for 127.0.0.0/8 from another address is dropped, unless it is a reply or was DNATed
/// (the hostPort's own traffic). It is made once per host, before the first portmap ADD,
/// and stays, as kube-proxy's does: without route_localnet the kernel drops such packets
/// before they reach it. It is the one firewall rule PodUnits writes itself, because no
/// plugin does.
/// </summary>
public static class LocalnetGuard
{
    internal static readonly string[] Rule =
    [
        "INPUT", "-d", "127.0.0.0/8", "!", "-s", "127.0.0.0/8",
        "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED,DNAT",
        "-m", "comment", "--comment", "podunits: nothing from outside for 127.0.0.0/8 (route_localnet of portmap)",
        "-j", "DROP",
    ];

    private const string LockFile = "/run/podunits/localnet.lock";

    /// <summary>Adds the rule unless the host has it. Two pods that start at once add it once:
    /// the check and the insert run under one lock.</summary>
    public static async Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LockFile)!);
        using FileLock held = await Task.Run(() => FileLock.Exclusive(LockFile), cancellationToken).ConfigureAwait(false);
        (int code, _) = await IptablesAsync("-C", cancellationToken).ConfigureAwait(false);
        if (code == 0)
        {
            return;
        }
        (code, string errors) = await IptablesAsync("-I", cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new PodUnitsException("iptables", "could not add the rule that keeps pods from the host's 127.0.0.0/8 (a hostPort turns " +
                $"on route_localnet): {errors.Trim().Split('\n')[^1]}");
        }
    }

    private static async Task<(int Code, string Errors)> IptablesAsync(string command, CancellationToken cancellationToken)
    {
        // The iptables the plugins run (go-iptables looks it up in the same directories).
        string executable = ((string[])["/usr/sbin/iptables", "/sbin/iptables", "/usr/bin/iptables"]).FirstOrDefault(File.Exists) ?? "iptables";
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in (string[])["-w", "5", "-t", "filter", command, .. Rule])
        {
            start.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PodUnitsException("iptables", "could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PodUnitsException("iptables", $"could not be started ({e.Message}); a hostPort needs it, as the portmap plugin does (Debian: apt-get install iptables)");
        }
        using (process)
        {
            Task<string> errors = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return (process.ExitCode, await errors.ConfigureAwait(false));
        }
    }
}
