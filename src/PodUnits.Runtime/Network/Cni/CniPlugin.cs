using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PodUnits.Core.Errors;

namespace PodUnits.Runtime.Network.Cni;

/// <summary>
/// Runs one CNI plugin once (specification "Protocol"): the command and the attachment in
/// CNI_* variables, the configuration on stdin, a result or an error object on stdout.
/// Plugins are the distribution's own binaries (Debian's containernetworking-plugins put
/// them in /usr/lib/cni); nothing here knows what any of them does.
/// </summary>
public static class CniPlugin
{
    /// <summary>Where plugins are looked for, in order: Debian's, Fedora's, upstream's.</summary>
    public static readonly string[] DefaultDirs = ["/usr/lib/cni", "/usr/libexec/cni", "/opt/cni/bin"];

    /// <summary>A plugin that takes longer is killed: iptables waits for its lock, a DHCP
    /// plugin for a lease, but no step of a pod's start should hang for ever.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The plugin's executable, or null when no directory has it.</summary>
    public static string? Find(string type, IReadOnlyList<string> dirs)
    {
        ArgumentNullException.ThrowIfNull(dirs);
        return dirs.Select(d => System.IO.Path.Join(d, type)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Runs <paramref name="command"/> (ADD, CHECK, DEL); returns the parsed stdout (null when
    /// empty, as for DEL and CHECK). Failures name the plugin and the network's file. A
    /// cancellation kills the plugin and its children, then throws OperationCanceledException,
    /// as libcni's callers do with a cancelled context: what the plugin did so far is for
    /// the DEL that follows to release.
    /// </summary>
    public static async Task<JsonObject?> RunAsync(string command, CniConfigList network, int index, JsonObject config,
        CniAttachment attachment, IReadOnlyList<string> dirs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(attachment);
        string type = network.PluginTypes.ElementAt(index);
        string what = $"network {network.Name} ({network.Path}): plugin {type}";
        string executable = Find(type, dirs)
            ?? throw new BadInputException(what, $"not installed: no {type} in {string.Join(", ", dirs)} (Debian: apt-get install containernetworking-plugins)");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        start.Environment["CNI_COMMAND"] = command;
        start.Environment["CNI_CONTAINERID"] = attachment.ContainerId;
        start.Environment["CNI_NETNS"] = attachment.NetnsPath;
        start.Environment["CNI_IFNAME"] = attachment.IfName;
        start.Environment["CNI_ARGS"] = attachment.ArgsText;
        start.Environment["CNI_PATH"] = string.Join(':', dirs);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PodUnitsException(what, "could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // execve's error (no x bit, a noexec mount, a script's missing interpreter): as
            // .NET's own exception it escaped every release path's catch, and a start or gc
            // that had to DEL with this plugin failed as a whole (network review of 2026-12-06, 3).
            throw new PodUnitsException(what, $"could not be started: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(e.NativeErrorCode)} ({executable})", ExitCodes.RuntimeFailure, e);
        }
        using Process _ = process;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        // Read under the timeout too, and only so much: a process the plugin left behind
        // holding its stdout kept the read from ending after the plugin had (the DEL at a
        // stop, gc), and a plugin that logs without end grew the executor's memory
        // (network review of 2026-12-06, 5).
        Task<string> stdout = ReadAtMostAsync(process.StandardOutput, MaxOutputChars, timeout.Token);
        Task<string> stderr = ReadAtMostAsync(process.StandardError, MaxOutputChars, timeout.Token);
        string output, errors;
        try
        {
            await WriteConfigAsync(process, config.ToJsonString(), timeout.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            output = await stdout.ConfigureAwait(false);
            errors = await stderr.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Its children too: the plugins' work is mostly iptables processes.
            bool exited = process.HasExited;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested(); // the caller gave up on it (the pod stops)
            throw new PodUnitsException(what, exited
                ? $"{command}'s output did not end within {Timeout.TotalSeconds:0} s: a process the plugin started holds its stdout or stderr"
                : $"{command} did not finish within {Timeout.TotalSeconds:0} s and was killed");
        }
        if (process.ExitCode != 0)
        {
            throw new PodUnitsException(what, $"{command} failed: {ErrorText(output, errors, process.ExitCode)}{MissingMaster(config)}");
        }
        if (string.IsNullOrWhiteSpace(output))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(output) as JsonObject
                ?? throw new PodUnitsException(what, $"{command} printed a result that is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new PodUnitsException(what, $"{command} printed a result that is not JSON: {JsonErrors.Describe(e)}");
        }
    }

    /// <summary>The most of a plugin's stdout or stderr kept: a result is a few KB, an error's
    /// last line is all that is shown.</summary>
    private const int MaxOutputChars = 1 << 20;

    /// <summary>What <paramref name="reader"/> gives until its end, the first
    /// <paramref name="max"/> characters kept and the rest read and dropped (so the plugin
    /// never blocks on a full pipe).</summary>
    private static async Task<string> ReadAtMostAsync(StreamReader reader, int max, CancellationToken cancellationToken)
    {
        var kept = new System.Text.StringBuilder();
        char[] buffer = new char[8192];
        int n;
        while ((n = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            kept.Append(buffer, 0, Math.Min(n, max - kept.Length));
        }
        return kept.ToString();
    }

    /// <summary>
    /// Gives the plugin its configuration on stdin. A plugin may exit without reading it (a
    /// script that fails at once, a DEL with nothing to do): the write then meets a closed
    /// pipe (EPIPE), which says nothing about the plugin's result, so its exit status and
    /// output decide, as Go's os/exec lets libcni's invocations do. The write is under the
    /// timeout: a plugin that neither reads nor exits must not hold the pod's start.
    /// </summary>
    private static async Task WriteConfigAsync(Process process, string config, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.WriteAsync(config.AsMemory(), cancellationToken).ConfigureAwait(false);
            await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The plugin closed its stdin (exited); its status tells what happened.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Whatever the writer still held met the same closed pipe.
            }
        }
    }

    /// <summary>The error object's msg and details (specification "Error"), else stderr's
    /// last line, else the exit status.</summary>
    internal static string ErrorText(string stdout, string stderr, int exitCode)
    {
        try
        {
            if (JsonNode.Parse(stdout) is JsonObject error && CniResult.Str(error["msg"]) is string msg)
            {
                string code = error["code"] is JsonValue c && c.TryGetValue(out int n) ? $" (CNI error {n})" : "";
                string details = CniResult.Str(error["details"]) is { Length: > 0 } d ? $": {d}" : "";
                return OneLine(msg + details + code);
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not an error object: fall through to stderr.
        }
        string? last = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return last is null ? $"exit status {exitCode}, no message" : OneLine(last);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    /// <summary>
    /// macvlan, ipvlan and vlan name the host interface they attach to in "master"; when it is
    /// not there, Debian's plugins say only netlink's "Link not found". What no plugin says is
    /// added after its message: which interface, as the host has none of that name. Empty
    /// when there is no "master", or the host has it.
    /// </summary>
    internal static string MissingMaster(JsonObject config, string sysClassNet = "/sys/class/net")
    {
        ArgumentNullException.ThrowIfNull(config);
        if (CniResult.Str(config["master"]) is not { Length: > 0 } master)
        {
            return "";
        }
        // A name with a slash or a dot path is no interface's (and must not name a path).
        bool valid = master.Length <= 15 && !master.Contains('/', StringComparison.Ordinal) && master is not ("." or "..");
        return valid && Directory.Exists(System.IO.Path.Join(sysClassNet, master)) ? "" : $"; its master {master} is no network interface of this host";
    }
}
