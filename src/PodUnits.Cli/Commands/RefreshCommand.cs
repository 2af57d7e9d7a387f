using System.CommandLine;
using PodUnits.Cli.Refresh;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using PodUnits.Logging;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits refresh [NAME...]</c>: what package triggers run after pods were
/// installed, changed or removed (<see cref="PodRefresher"/>, docs/packaging.md).</summary>
internal static class RefreshCommand
{
    public static Command Create()
    {
        var names = new Argument<string[]>("NAME") { Description = "Only these pods (RPM's %podunits_post and %podunits_postun name theirs).", Arity = ArgumentArity.ZeroOrMore };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would happen; change nothing (no daemon-reload either)." }; // no -n: that is --lines in status and logs
        Option<OutputFormat> output = GlobalOptions.Output();
        var command = new Command("refresh", """
            Make running pods match their definitions after packages installed, changed or
            removed some: reload systemd (the generator), then stop running pods whose
            definition is gone (and disable them), restart running pods whose definition
            changed since they started (and their sockets, when podunits.io/listen changed),
            reload running pods when ConfigMap or Secret files changed, and start new pods
            that are enabled (podunits.io/autostart, a preset, or
            'systemctl enable'). A pod that was there before and is stopped stays stopped.
            A running pod whose definition does not load keeps running the one it started
            with (and its unit that one's settings), and is reported as failed.
            dpkg's trigger and RPM's file triggers run it; the last refresh's view is kept
            in /var/lib/podunits/refresh.json. In a chroot, or with SYSTEMD_OFFLINE=1,
            it leaves systemd alone, as systemctl does. Exit status 1 when any unit failed.
              podunits refresh --dry-run
              podunits refresh greeter
            """) { names, dryRun, output };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string[] pods = parsed.GetValue(names) ?? [];
            foreach (string pod in pods)
            {
                if (ResourceNames.Explain(pod) is { } why)
                {
                    throw new BadInputException($"pod name \"{pod}\"", why);
                }
            }
            if (Core.Linux.OfflineSystem.Reason() is { } offline)
            {
                // As systemctl does ("Running in chroot, ignoring command"): the units of the
                // system this runs on are not the ones the bus reaches.
                Console.Error.WriteLine($"podunits refresh: {offline}; systemd's units are left alone, as systemctl leaves them: nothing was refreshed");
                Inspection.PodReportText.Write(parsed.GetValue(output), [], RefreshJsonContext.Default.ListRefreshReport, (_, _) => { });
                return ExitCodes.Ok;
            }
            bool dry = parsed.GetValue(dryRun);
            await using SystemdManager systemd = await SystemdManager.ConnectAsync(cancellationToken);
            List<RefreshReport> reports = await new PodRefresher(systemd, RefreshRecord.DefaultPath)
                .RunAsync(pods.Length == 0 ? null : pods.ToHashSet(StringComparer.Ordinal), dry, cancellationToken);
            Inspection.PodReportText.Write(parsed.GetValue(output), reports, RefreshJsonContext.Default.ListRefreshReport,
                (writer, list) => WriteText(writer, list, pods));
            foreach (RefreshReport failed in reports.Where(r => r.Result == "failed"))
            {
                PodLog.Error($"{failed.Unit}: {failed.Action} failed: {failed.Error}", new(Pod: failed.Pod));
            }
            return reports.Any(r => r.Result == "failed") ? ExitCodes.RuntimeFailure : ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteText(TextWriter output, List<RefreshReport> reports, string[] named)
    {
        if (reports.Count == 0)
        {
            // A named pod with no definition that does not run is no error: RPM's
            // %podunits_postun names pods whose definitions were just removed.
            output.WriteLine(named.Length == 0
                ? "podunits refresh: nothing to do"
                : $"podunits refresh: nothing to do for {string.Join(", ", named)} (each runs as its definition says, or has none and does not run)");
        }
        foreach (RefreshReport r in reports.Where(r => r.Result != "failed"))
        {
            string verb = r.Result switch
            {
                "planned" => r.Action == "relisten" ? "would move its socket as the definition says now" : $"would {r.Action}",
                "queued" => $"{r.Action} queued, not waited for: its start has no deadline (init containers); 'systemctl status {r.Unit}' follows it",
                _ => r.Did ?? Past(r.Action),
            };
            output.WriteLine($"{r.Unit}: {verb} ({r.Reason})");
        }
    }

    private static string Past(string action) => action switch
    {
        "stop" => "stopped",
        "start" => "started",
        _ => action + "ed",
    };
}
