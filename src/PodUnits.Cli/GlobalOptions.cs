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
        // No DefaultValueFactory: unset is default(OutputFormat), Text, and help shows no
        // "[default: Text]" beside the lower-case values it takes (tour G).
        Description = "Output format: 'text' (the default) for people, 'json' for scripts.",
        HelpName = "text|json", // not the enum's "<Json|Text>"
    };
}

internal enum OutputFormat
{
    Text, // first: the value of an --output not given
    Json,
}
