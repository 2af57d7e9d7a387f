using System.CommandLine;
using PodUnits.Cli.Inspection;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary><c>podunits list</c>: every defined or running pod with its unit state, machine,
/// running containers and autostart.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        Option<OutputFormat> output = GlobalOptions.Output();
        var command = new Command("list", """
            List pods: every definition in /etc/podunits/pods, /run/podunits/pods and
            /usr/lib/podunits/pods, and pods running from elsewhere. CONTAINERS counts running
            containers of all (init containers aside).
              podunits list
              podunits list -o json | jq -r '.[] | select(.state == "active") | .name'
            """) { output };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using SystemdManager systemd = await SystemdManager.ConnectAsync(cancellationToken);
            List<PodReport> pods = await new PodInspector(systemd).ListAsync();
            PodReportText.Write(parsed.GetValue(output), pods, PodReportJsonContext.Default.ListPodReport, PodReportText.WriteTable);
            return 0;
        });
        return command;
    }
}
