using System.CommandLine;

namespace PodUnits.Cli;

/// <summary>Options every verb understands.</summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show debug output and, on errors, the stack trace.",
        Recursive = true,
    };

    /// <summary>A fresh --output option for verbs that can print JSON for scripts.</summary>
    public static Option<OutputFormat> Output() => new("--output", "-o")
    {
        Description = "Output format: 'text' for people, 'json' for scripts.",
        DefaultValueFactory = _ => OutputFormat.Text,
        HelpName = "text|json", // not the enum's "<Json|Text>" and "[default: Text]" (tour G)
    };
}

internal enum OutputFormat
{
    Text,
    Json,
}
