using System.CommandLine;
using System.Diagnostics;
using System.Text;
using PodUnits.Cli.Inspection;
using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Runtime.State;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits status NAME</c>: the pod, its unit, its machine, each container with
/// its scope, memory, limits and health, and the last lines the containers printed.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var name = PodArgument.Create();
        Option<OutputFormat> output = GlobalOptions.Output();
        var lines = new Option<int>("--lines", "-n")
        {
            Description = "How many of the last output lines to show (0 for none).",
            DefaultValueFactory = _ => 10,
        };
        var command = new Command("status", """
            Show a pod: its definition, pod@NAME.service (and once it failed, why: systemd's
            Result and how the executor ended), its machine, every container's scope
            (podunits-NAME-CONTAINER.scope) with memory use and limits, while it runs its
            health (ready, restarts, last exit and reason, last probe result), and its last
            output lines. For the unit alone: systemctl status pod@NAME.
              podunits status web
              podunits status web -o json | jq '.containers[] | {name, memoryCurrentBytes}'
              podunits status web -o json | jq '.containers[].health | {ready, restarts}'
            """) { name, output, lines };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string pod = PodArgument.Validated(parsed, name);
            await using SystemdManager systemd = await SystemdManager.ConnectAsync(cancellationToken);
            PodReport report = await new PodInspector(systemd).InspectAsync(pod);
            if (report.Definition is null && report.State == "inactive" && !Directory.Exists(PodPaths.RuntimeDir(pod)))
            {
                throw new BadInputException($"pod {pod}", $"no definition {pod}.yaml in {PodDefinitionSearchPath.DefaultRootsText} and not running");
            }
            int n = Math.Max(0, parsed.GetValue(lines));
            // The lines are the containers' own bytes: on a terminal they are escaped, as
            // `podunits logs` shows them, so a container cannot drive the reader's terminal.
            bool escape = parsed.GetValue(output) == OutputFormat.Text && !Console.IsOutputRedirected;
            report = report with { RecentLines = n == 0 ? [] : await RecentLinesAsync(pod, n, escape, cancellationToken) };
            PodReportText.Write(parsed.GetValue(output), report, PodReportJsonContext.Default.PodReport, PodReportText.WriteStatus);
            return 0;
        });
        return command;
    }

    private static async Task<IReadOnlyList<string>> RecentLinesAsync(string pod, int count, bool escape, CancellationToken cancellationToken)
    {
        string[] selection = ["--no-pager", "-q", "--all", "-o", "json", LogsCommand.OutputFields, .. LogsCommand.Matches(pod, null, Runtime.State.PodLogUnits.Of(pod))];
        var format = new LogsCommand.LineFormat(Prefix: true, Escape: escape);
        // The last lines whole, not the last entries, of which a long line is several: its
        // last piece alone was shown as a line (CLI review of 2026-12-07, finding 6).
        if (await LogWindow.MeasureAsync(selection, count, format, cancellationToken) is not { } window)
        {
            return [];
        }
        var start = new ProcessStartInfo(Core.Linux.HostTools.Journalctl, [.. selection, window.Argument])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process? journalctl = Process.Start(start);
        if (journalctl is null)
        {
            return [];
        }
        // As `podunits logs` shows them: lines of 4 KiB and more (--all), a long line's pieces joined.
        var rendered = new List<string>();
        var pieces = new LogsCommand.LinePieces();
        int read = 0;
        while (read++ < window.Entries && await journalctl.StandardOutput.ReadLineAsync(cancellationToken) is { } json)
        {
            if (LogsCommand.Render(json, format, pieces) is { } line)
            {
                rendered.Add(Encoding.UTF8.GetString(line).TrimEnd('\n'));
            }
        }
        if (!journalctl.HasExited)
        {
            journalctl.Kill(); // what came after the window is newer than this status
        }
        List<string> result = [.. window.Last(rendered, pieces.Count),
            .. LogsCommand.Unfinished(pieces, format, window.UnfinishedLines).Select(line => Encoding.UTF8.GetString(line).TrimEnd('\n'))];
        await journalctl.WaitForExitAsync(cancellationToken);
        return result;
    }
}
