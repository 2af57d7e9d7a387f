using System.CommandLine;
using PodUnits.Cli.Commands;
using PodUnits.Core.Errors;
using PodUnits.Logging;
using PodUnits.Planning;

namespace PodUnits.Cli;

/// <summary>Builds the command tree and runs one invocation with the CLI's error contract:
/// errors as <c>podunits: WHAT: WHY</c> on stderr, exit codes of <see cref="ExitCodes"/>,
/// stack traces only with --verbose.</summary>
internal static class CliApp
{
    public static Task<int> RunAsync(string[] args)
    {
        if (UnitStart.Matches(args))
        {
            PodLog.Configure(JournaldSink.DefaultIdentifier, verbose: false);
            return InvokeAsync(() => Stage0.RunAsync(args[1]), podStart: true);
        }
        ParseResult parsed = Parse(args);
        bool verbose = parsed.GetValue(GlobalOptions.Verbose);
        PodLog.Configure(JournaldSink.DefaultIdentifier, verbose);

        // Usage errors are bad input (exit 2), not runtime failures (System.CommandLine's 1).
        if (UsageErrors.Refuses(parsed))
        {
            ErrorOutput.ReportUsage(UsageErrors.Describe(parsed), UsageErrors.CommandPath(parsed.CommandResult.Command));
            return Task.FromResult(ExitCodes.BadInput);
        }
        return InvokeAsync(() => parsed.InvokeAsync(new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            // Signals are the commands' own (stage 0's pull, the attached terminal, enter):
            // System.CommandLine must not end the process after a timeout of its own meanwhile.
            ProcessTerminationTimeout = null,
        }));
    }

    /// <summary>Runs one command with the CLI's error contract.</summary>
    /// <param name="podStart">Stage 0 of pod@NAME.service: a failure is kept for the next
    /// start's back-off to say (Runtime/State/FailedStarts.cs).</param>
    internal static async Task<int> InvokeAsync(Func<Task<int>> command, bool podStart = false)
    {
        try
        {
            return await command();
        }
        catch (PodUnitsException e)
        {
            ErrorOutput.Report(e);
            if (podStart)
            {
                Runtime.State.FailedStarts.RecordFailure(e.Message);
            }
            return e.ExitCode;
        }
        catch (OperationCanceledException e) when (!Interruption.Signalled)
        {
            // No signal asked for it: a timeout that the verb did not turn into an error of
            // its own. Not "interrupted", exit 130, which says Ctrl-C (Interruption).
            ErrorOutput.Report(new PodUnitsException("timed out", "a server gave no answer in time (run with --verbose for which)", ExitCodes.RuntimeFailure, e));
            return ExitCodes.RuntimeFailure;
        }
        catch (OperationCanceledException)
        {
            ErrorOutput.ReportInterrupted();
            return 130;
        }
        catch (UnauthorizedAccessException e) when (!Environment.IsPrivilegedProcess)
        {
            // `podunits list` as a user: pod state is root's only (plans hold secrets). Not an
            // "internal error" that invites a bug report, but what to do about it.
            ErrorOutput.Report(new PodUnitsException("permission denied", $"{e.Message.TrimEnd('.')}; PodUnits' state is root's only: run podunits as root"));
            return ExitCodes.RuntimeFailure;
        }
#pragma warning disable CA1031 // the CLI boundary: anything unexpected becomes one line, not a crash
        catch (Exception e)
#pragma warning restore CA1031
        {
            ErrorOutput.ReportUnexpected(e);
            return ExitCodes.RuntimeFailure;
        }
    }

    /// <summary>
    /// The command line as PodUnits reads it. System.CommandLine replaces a word that starts
    /// with '@' by the words of the file it names ("response files", on by default): as root
    /// and before any name check, so `podunits status @/etc/shadow` printed the file's lines
    /// back as errors, and `@/` crashed the parse (CLI review of 2026-12-06, finding 1).
    /// PodUnits documents no such feature; a word is a word.
    /// </summary>
    internal static ParseResult Parse(IReadOnlyList<string> args) =>
        BuildRoot().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });

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
