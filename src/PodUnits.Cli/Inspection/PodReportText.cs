using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using PodUnits.Core.Text;

namespace PodUnits.Cli.Inspection;

/// <summary>Pod reports for people: a table for `list`, a systemctl-status-like page for `status`.</summary>
internal static class PodReportText
{
    /// <summary>JSON for scripts (--output json) or the text form for people.</summary>
    public static void Write<T>(OutputFormat format, T value, JsonTypeInfo<T> json, Action<TextWriter, T> text)
    {
        if (format == OutputFormat.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(value, json));
        }
        else
        {
            text(Console.Out, value);
        }
    }

    public static void WriteTable(TextWriter output, List<PodReport> pods)
    {
        int width = Math.Max(4, pods.Count == 0 ? 4 : pods.Max(p => p.Name.Length));
        output.WriteLine($"{"NAME".PadRight(width)}  {"STATE",-12}  {"MACHINE",-8}  {"IP",-15}  {"CONTAINERS",-10}  {"AUTOSTART",-9}  DEFINITION");
        foreach (PodReport p in pods)
        {
            int running = p.Containers.Count(c => !c.Init && c.State == "active"); // sidecars and init containers aside
            string containers = $"{running}/{p.Containers.Count(c => !c.Init)}";
            string definition = p.DefinitionError is not null ? $"{p.Definition} (invalid)" : p.Definition ?? "-";
            string ip = p.Network switch
            {
                { HostNetwork: true } => NetworkReport.Host, // the host's addresses: "-" would look like a broken pod
                { Ips.Count: > 0 } net => net.Ips[0],
                _ => "-",
            };
            output.WriteLine($"{p.Name.PadRight(width)}  {p.State,-12}  {(p.Machine is null ? "-" : "yes"),-8}  {ip,-15}  {containers,-10}  {(p.Autostart ? "yes" : "no"),-9}  {definition}");
        }
    }

    public static void WriteStatus(TextWriter output, PodReport p)
    {
        output.WriteLine($"● pod {p.Name}");
        output.WriteLine($"    Definition: {p.Definition ?? "(none in the search path)"}");
        if (p.DefinitionError is not null)
        {
            output.WriteLine($"       Invalid: {p.DefinitionError}");
        }
        output.WriteLine($"          Unit: {p.Unit}: {p.State} ({p.SubState}){(p.MainPid > 0 ? $", executor PID {p.MainPid}" : "")}");
        if (p.Result is { } result)
        {
            output.WriteLine($"        Result: {result}{(p.Failure is { } why ? $" ({why})" : "")}");
        }
        if (p.StaleUnitSettings is { } stale)
        {
            output.WriteLine($"       Warning: {stale}");
        }
        if (p.StatusText is { } statusText)
        {
            output.WriteLine($"        Status: \"{statusText}\"");
        }
        if (p.Leftovers is { } left)
        {
            output.WriteLine($"   Left behind: {string.Join(", ", left)}, by an executor that was killed;" +
                $" 'podunits stop {p.Name}' or 'podunits gc' releases them");
        }
        output.WriteLine($"     Autostart: {(!p.Autostart ? "no" : p.Definition is null || p.DefinitionError is not null
            ? "yes (enabled, but without a valid definition its start at boot fails)" : "yes (enabled: starts at boot)")}");
        output.WriteLine(p.Machine is { } m
            ? $"       Machine: {p.Name} ({m.State}), ID {m.Id}, leader PID {m.Leader}"
            : "       Machine: not registered");
        if (p.Network is { HostNetwork: true } host)
        {
            string ports = host.Ports.Count == 0 ? "" : $", ports {string.Join(", ", host.Ports)}";
            output.WriteLine($"       Network: host (the host's network namespace){ports}");
        }
        else if (p.Network is { } n)
        {
            string ports = n.Ports.Count == 0 ? "" : $", published {string.Join(", ", n.Ports)}";
            output.WriteLine($"       Network: {n.Name}, IP {string.Join(", ", n.Ips)}{ports}");
        }
        if (p.Users is { Error: { } usersError })
        {
            output.WriteLine($"         Users: own user namespace, range unknown: {usersError}");
        }
        else if (p.Users is { } u)
        {
            output.WriteLine($"         Users: own user namespace, IDs 0-{u.Size - 1} → host {u.HostFirst}-{u.HostFirst + u.Size - 1}");
        }
        foreach (ContainerReport c in p.Containers)
        {
            string memory = c.MemoryCurrentBytes is ulong now ? ByteSizes.Format(now) : "-";
            string limit = c.MemoryMaxBytes is ulong max && max != ulong.MaxValue ? $" of {ByteSizes.Format(max)}" : "";
            string cpu = c.CpuQuotaPerSecUSec is ulong q && q != ulong.MaxValue ? $", CPU quota {(q / 10000.0).ToString("0.#", CultureInfo.InvariantCulture)}%" : "";
            output.WriteLine($"     {(c.Sidecar ? "Sidecar" : c.Init ? "Init" : "Container")} {c.Name}: {c.State}{(c.Pid is int pid ? $", PID {pid}" : "")}, image {c.Image}");
            output.WriteLine($"        {c.Scope}: memory {memory}{limit}{cpu}");
            if (c.Health is { } h)
            {
                output.WriteLine($"        {HealthLine(h)}");
                if (h.WaitingOn is not null)
                {
                    output.WriteLine($"        waiting on: {h.WaitingOn}");
                }
                if (h.LastProbe is not null && h.LastProbe != h.WaitingOn)
                {
                    output.WriteLine($"        last probe: {h.LastProbe}");
                }
                if (h.NotifyStatus is not null)
                {
                    output.WriteLine($"        status (sd_notify): {h.NotifyStatus}");
                }
            }
        }
        if (p.RecentLines is { Count: > 0 })
        {
            output.WriteLine();
            foreach (string line in p.RecentLines)
            {
                output.WriteLine(line);
            }
        }
    }

    /// <summary>"running, ready, 2 restarts, last exit 1 (Error)", as kubectl describe says it.</summary>
    internal static string HealthLine(ContainerHealthReport h) => HealthLine(h, DateTime.UtcNow);

    /// <param name="now">The time "restarting in N s" counts from.</param>
    internal static string HealthLine(ContainerHealthReport h, DateTime now)
    {
        var parts = new List<string> { h.State, h.Ready ? "ready" : "not ready", $"{h.Restarts} restart{(h.Restarts == 1 ? "" : "s")}" };
        // Kubernetes' started is false until both the postStart hook and the startup probe
        // are through: say which one the run waits for, or that it is being killed.
        string? waiting = h.State == "running" ? Runtime.Health.ContainerStatus.StartingStep(h.Started, h.PostStartDone, h.KilledBy) : null;
        if (waiting is not null)
        {
            parts.Insert(1, waiting);
        }
        if (h.State == "unknown")
        {
            parts[0] = "unknown (the pod ended without seeing it end)";
        }
        if (h.State == "restarting" && h.RestartAt is not null)
        {
            parts[0] = RestartingLine(h.RestartAt, now);
        }
        if (h.LastExitCode is int code)
        {
            parts.Add($"last exit {code} ({h.LastExitReason})");
        }
        return string.Join(", ", parts);
    }

    /// <summary>The back-off as a reader wants it: how long until the restart, and when by the
    /// local clock ("restarting in 12 s, at 10:18:31"); --output json keeps the exact time.</summary>
    private static string RestartingLine(string restartAt, DateTime now)
    {
        if (!DateTime.TryParse(restartAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out DateTime at))
        {
            return $"restarting at {restartAt}";
        }
        double left = Math.Ceiling((at.ToUniversalTime() - now.ToUniversalTime()).TotalSeconds);
        string when = at.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        return left > 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"restarting in {left:0} s, at {when}")
            : $"restarting now (due at {when})";
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<PodReport>))]
[JsonSerializable(typeof(PodReport))]
internal sealed partial class PodReportJsonContext : JsonSerializerContext;
