using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;

namespace PodUnits.Cli.Commands;

/// <summary>
/// <c>podunits logs NAME [-f] [--container C] [-n N]</c>: the pod's container output from the
/// host journal (the entries the executor forwarded, matched by POD_NAME and the unit). It
/// reads through journalctl's JSON output, so it sees exactly what `journalctl -u pod@NAME`
/// sees, and prefixes lines with their container when several containers are shown.
/// </summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var name = PodArgument.Create();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines as they arrive." };
        var container = new Option<string?>("--container", "-c") { Description = "Only this container's lines." };
        var lines = new Option<int?>("--lines", "-n") { Description = "Only the last N lines." };
        var command = new Command("logs", "Print what a pod's containers wrote to stdout and stderr.")
        {
            name, follow, container, lines,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string pod = PodArgument.Validated(parsed, name);
            string? only = parsed.GetValue(container);
            if (only is not null && ResourceNames.Explain(only) is { } why)
            {
                throw new BadInputException($"container name \"{only}\"", why);
            }
            var arguments = new List<string>
            {
                "--no-pager", "-q", "-o", "json", "--output-fields=MESSAGE,CONTAINER_NAME,PRIORITY",
                $"_SYSTEMD_UNIT={PodArgument.UnitName(pod)}", $"POD_NAME={pod}",
            };
            if (only is not null)
            {
                arguments.Add($"CONTAINER_NAME={only}");
            }
            if (parsed.GetValue(lines) is int n)
            {
                arguments.Add($"--lines={Math.Max(0, n)}");
            }
            if (parsed.GetValue(follow))
            {
                arguments.Add("--follow");
            }
            return await StreamAsync(arguments, prefix: only is null, cancellationToken);
        });
        return command;
    }

    private static async Task<int> StreamAsync(List<string> arguments, bool prefix, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("journalctl", arguments) { RedirectStandardOutput = true };
        using Process journalctl = Process.Start(start)
            ?? throw new PodUnitsException("logs", "could not start journalctl");
        using var stdout = Console.OpenStandardOutput();
        try
        {
            while (await journalctl.StandardOutput.ReadLineAsync(cancellationToken) is { } json)
            {
                byte[] line = Render(json, prefix);
                await stdout.WriteAsync(line, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            journalctl.Kill();
            return 0;
        }
        await journalctl.WaitForExitAsync(cancellationToken);
        return journalctl.ExitCode == 0 ? 0 : ExitCodes.RuntimeFailure;
    }

    /// <summary>One journal entry (journalctl's JSON) as an output line. MESSAGE is a string,
    /// or an array of bytes when it is not valid UTF-8: container output is bytes.</summary>
    internal static byte[] Render(string json, bool prefix)
    {
        using JsonDocument entry = JsonDocument.Parse(json);
        JsonElement root = entry.RootElement;
        byte[] message = root.TryGetProperty("MESSAGE", out JsonElement m) ? Bytes(m) : [];
        string container = root.TryGetProperty("CONTAINER_NAME", out JsonElement c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()! : "";
        byte[] head = prefix && container.Length > 0 ? Encoding.UTF8.GetBytes(container + " | ") : [];
        return [.. head, .. message, (byte)'\n'];
    }

    private static byte[] Bytes(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Encoding.UTF8.GetBytes(value.GetString()!),
        JsonValueKind.Array => value.EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray(),
        _ => [],
    };
}
