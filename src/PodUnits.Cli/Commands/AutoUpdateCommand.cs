using PodUnits.Core.Native;
using System.CommandLine;
using PodUnits.Cli.AutoUpdate;
using PodUnits.Cli.Inspection;
using PodUnits.Core.Errors;
using PodUnits.Logging;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits auto-update [--dry-run] [-o json]</c> (podunits-auto-update.timer runs it daily).</summary>
internal static class AutoUpdateCommand
{
    /// <summary>Held while an auto-update runs: two at once would restart the same pods.</summary>
    private const string LockPath = "/run/podunits/auto-update.lock";

    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only ask the registries and list what would be updated; change nothing." };
        var readyTimeout = new Option<string>("--ready-timeout")
        {
            Description = "How long a pod whose start has no timeout of its own (TimeoutStartSec=infinity, as a pod with init containers gets) "
                + "may take to become ready before it is rolled back, unless its probes may take longer; a Go duration (90s, 10m). "
                + "Other pods have their unit's start timeout.",
            HelpName = "DURATION",
            DefaultValueFactory = _ => "10m",
        };
        Option<OutputFormat> output = GlobalOptions.Output();
        var command = new Command("auto-update", """
            Update running pods annotated podunits.io/auto-update: registry to the image their tags
            name in the registry now. For each such pod whose unit is active: ask the registry (HEAD)
            for every tag it runs, pull what changed (the image trust policy applies), restart
            pod@NAME.service on it and wait until the pod is ready, then move the tags. A pod that
            does not become ready within its start timeout (--ready-timeout when it has none) is
            rolled back: restarted on the images it ran before, with the pods that share its new
            image. Interrupted (Ctrl-C, a stop), it restarts the pods it restarted on new images on
            the images their tags name. Images named by digest never change. Results go to the journal
            (journalctl -x explains them); exit status 1 when an update failed or was rolled back.
            podunits-auto-update.timer runs this daily (systemctl enable --now podunits-auto-update.timer).
              podunits auto-update --dry-run
              podunits auto-update -o json | jq -r '.[] | select(.result == "updated") | .pod'
            """) { dryRun, readyTimeout, output };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string wait = parsed.GetValue(readyTimeout)!;
            TimeSpan ready = LogsSince.GoDuration(wait) is { } d && d > TimeSpan.Zero && d <= TimeSpan.FromDays(1) ? d
                : throw new BadInputException($"--ready-timeout '{Core.Text.OneLine.Of(wait)}'", "is not a duration between 1ms and 24h (90s, 10m, 1h)");
            using FileLock? held = TakeLock();
            // Ctrl-C, or systemd stopping the timer's service, must not leave tags moved to
            // images no pod was proven ready on (AutoUpdater points them back).
            using var interrupt = new InterruptSignals(cancellationToken);
            await using SystemdManager systemd = await SystemdManager.ConnectAsync(interrupt.Token);
            using Serilog.Core.Logger journal = PodUnitsLogging.Create(JournaldSink.DefaultIdentifier, verbose: false, LogDestination.Journal);
            var updater = new AutoUpdater(systemd, ImageCommand.OpenStore(), parsed.GetValue(dryRun), ready, journal);
            List<AutoUpdateResult> results = await updater.RunAsync(interrupt.Token);
            PodReportText.Write(parsed.GetValue(output), results, AutoUpdateJsonContext.Default.ListAutoUpdateResult, WriteTable);
            return results.Any(r => r.IsFailure) ? ExitCodes.RuntimeFailure : ExitCodes.Ok;
        });
        return command;
    }

    private static FileLock TakeLock()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LockPath)!);
        // Released when the process ends, however it ends.
        return FileLock.TryExclusive(LockPath)
            ?? throw new PodUnitsException("auto-update", $"another podunits auto-update is running (it holds {LockPath})");
    }

    private static void WriteTable(TextWriter output, List<AutoUpdateResult> results)
    {
        if (results.Count == 0)
        {
            output.WriteLine("no running pod has the annotation podunits.io/auto-update: registry");
            return;
        }
        int pod = Math.Max(3, results.Max(r => r.Pod.Length)), image = Math.Max(5, results.Max(r => r.Image.Length));
        output.WriteLine($"{"POD".PadRight(pod)}  {"IMAGE".PadRight(image)}  {"RUNNING",-19}  {"REGISTRY",-19}  RESULT");
        foreach (AutoUpdateResult r in results)
        {
            string line = $"{r.Pod.PadRight(pod)}  {r.Image.PadRight(image)}  {AutoUpdater.Short(r.Running),-19}  {AutoUpdater.Short(r.Registry),-19}  {r.Result}";
            output.WriteLine(r.Error is null ? line : $"{line}: {r.Error}");
        }
    }
}
