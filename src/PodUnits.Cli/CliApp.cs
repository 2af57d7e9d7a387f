using System.CommandLine;
using PodUnits.Cli.Commands;
using PodUnits.Core.Errors;

namespace PodUnits.Cli;

/// <summary>Builds the command tree and runs one invocation with the CLI's error contract:
/// errors as <c>podunits: WHAT: WHY</c> on stderr, exit codes of <see cref="ExitCodes"/>,
/// stack traces only with --verbose.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        RootCommand root = BuildRoot();
        ParseResult parsed = root.Parse(args);
        bool verbose = parsed.GetValue(GlobalOptions.Verbose);

        // Usage errors are bad input (exit 2), not runtime failures (System.CommandLine's 1).
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"podunits: usage: {error.Message}");
            }
            await Console.Error.WriteLineAsync("Try 'podunits --help'.");
            return ExitCodes.BadInput;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (PodUnitsException e)
        {
            await ErrorOutput.ReportAsync(e, verbose);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("podunits: interrupted");
            return 130;
        }
#pragma warning disable CA1031 // the CLI boundary: anything unexpected becomes one line, not a crash
        catch (Exception e)
#pragma warning restore CA1031
        {
            await ErrorOutput.ReportUnexpectedAsync(e, verbose);
            return ExitCodes.RuntimeFailure;
        }
    }

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "PodUnits runs pods (Kubernetes Pod YAML) as native systemd services.\n" +
            "Pods live in /etc/podunits/pods/NAME.yaml; start one with 'systemctl start pod@NAME'.");
        root.Options.Add(GlobalOptions.Verbose);
        foreach (Command command in CommandTable.All())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }
}
