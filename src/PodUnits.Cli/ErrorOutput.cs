using PodUnits.Core.Errors;

namespace PodUnits.Cli;

/// <summary>Prints errors the one way the CLI promises.</summary>
internal static class ErrorOutput
{
    public static async Task ReportAsync(PodUnitsException e, bool verbose)
    {
        await Console.Error.WriteLineAsync($"podunits: {e.Message}");
        if (verbose)
        {
            await Console.Error.WriteLineAsync(e.ToString());
        }
    }

    public static async Task ReportUnexpectedAsync(Exception e, bool verbose)
    {
        string firstLine = e.Message.Split('\n')[0];
        await Console.Error.WriteLineAsync($"podunits: internal error: {firstLine} (run with --verbose for details)");
        if (verbose)
        {
            await Console.Error.WriteLineAsync(e.ToString());
        }
    }
}
