using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace PodUnits.Cli;

/// <summary>
/// System.CommandLine's parse errors in the CLI's words: one line per problem, no .NET type
/// names ("System.Nullable`1[System.Int32]") and no follow-up lines, and the verb's own
/// --help to read. "Required command was not provided" is dropped when the command was
/// given but is unknown: the unknown word is the problem. An unknown command is the one
/// line: the words after it are its arguments, not problems of their own.
/// </summary>
internal static partial class UsageErrors
{
    /// <summary>What users of podman, docker and kubectl type for a command of ours: the
    /// words of ours from the root (from the unknown word's command when it starts there).</summary>
    private static readonly Dictionary<string, string> OtherToolsWords = new(StringComparer.Ordinal)
    {
        ["exec"] = "enter", ["ps"] = "list", ["ls"] = "list", ["get"] = "list", ["kill"] = "stop", ["delete"] = "stop",
        ["inspect"] = "status", ["describe"] = "status", ["pull"] = "image fetch", ["images"] = "image list",
        ["rmi"] = "image rm", ["load"] = "image import", ["save"] = "image export",
    };

    /// <summary>Whether the parse is refused with usage errors. An unknown command wins over
    /// --help (with which System.CommandLine reports no errors): `podunits exec --help` is
    /// not a request for the root's help.</summary>
    public static bool Refuses(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        return (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction) || UnknownCommand(parsed) is not null
            || (parsed.Action is not System.CommandLine.Help.HelpAction && MisplacedOptions(parsed).Problems.Count > 0);
    }

    public static List<string> Describe(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (UnknownCommand(parsed) is string unknown)
        {
            return [unknown];
        }
        bool unknownWord = parsed.Errors.Any(e => UnrecognizedPattern().IsMatch(e.Message));
        (List<string> problems, HashSet<string> explained) = MisplacedOptions(parsed);
        foreach (ParseError e in parsed.Errors)
        {
            if (unknownWord && RequiredCommandPattern().IsMatch(e.Message))
            {
                continue; // the unknown word says more
            }
            if (UnrecognizedPattern().Match(e.Message) is { Success: true } word && explained.Contains(word.Groups[1].Value))
            {
                continue; // said with the option it belongs to
            }
            problems.Add(Describe(e, parsed.CommandResult.Command));
        }
        return problems;
    }

    /// <summary>A word quoted back: KEY=VALUE only up to its '=' (KEY=...), since the value
    /// may be a secret (`secret create db token=hunter2`, its option forgotten), and these
    /// lines reach the journal when stderr is one (review of 2026-12-05).</summary>
    internal static string Shown(string word)
    {
        int equals = word.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? word : word[..(equals + 1)] + "...";
    }

    private static string Describe(ParseError e, Command command)
    {
        if (UnrecognizedPattern().Match(e.Message) is { Success: true } unknown)
        {
            return $"{Where(command)}unexpected '{Shown(unknown.Groups[1].Value)}'"; // an unknown command is UnknownCommand's
        }
        if (RequiredCommandPattern().IsMatch(e.Message))
        {
            return $"{Where(command)}which command? One of {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }
        if (MissingArgumentPattern().IsMatch(e.Message))
        {
            return $"{Where(command)}missing {string.Join(" ", command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0).Select(a => a.Name.ToUpperInvariant()))}";
        }
        if ((e.SymbolResult as OptionResult ?? e.SymbolResult?.Parent as OptionResult) is { } option
            && ParseFailedPattern().IsMatch(e.Message))
        {
            string value = string.Join(' ', option.Tokens.Select(t => t.Value));
            return $"{option.Option.Name}: '{value}' is not {Expected(option.Option.ValueType)}";
        }
        // Any other message of System.CommandLine is a sentence of its own; its first line.
        return e.Message.Split('\n')[0].TrimEnd('.');
    }

    /// <summary>The command a problem is in, as a prefix; none for podunits itself, whose
    /// name already starts the line ("podunits: usage: which command?").</summary>
    private static string Where(Command command) => command is RootCommand ? "" : $"{CommandPath(command)}: ";

    /// <summary>The first word given where a command was expected, as its one line with a
    /// "did you mean", or null when every command was known.</summary>
    private static string? UnknownCommand(ParseResult parsed)
    {
        Command command = parsed.CommandResult.Command;
        // A word right after an unknown option is most likely its value ("-o json"), not a command.
        IReadOnlyList<string> unmatched = parsed.UnmatchedTokens;
        if (command.Subcommands.Count == 0
            || unmatched.Where((t, i) => !t.StartsWith('-') && (i == 0 || !LooksLikeOption(unmatched[i - 1]))).FirstOrDefault() is not string word)
        {
            return null;
        }
        string hint = Meant(word, command) is string meant ? $"; did you mean '{meant}'?" : "";
        return $"{Where(command)}unknown command '{word}'{hint}";
    }

    /// <summary>The command of ours a user of another tool means by <paramref name="word"/>
    /// under <paramref name="command"/>, else the closest by edit distance, else null.</summary>
    private static string? Meant(string word, Command command)
    {
        if (OtherToolsWords.TryGetValue(word, out string? ours))
        {
            string prefix = command is RootCommand ? "" : command.Name + " ";
            string relative = ours.StartsWith(prefix, StringComparison.Ordinal) ? ours[prefix.Length..] : ours;
            if (Resolves(command, relative))
            {
                return relative;
            }
        }
        return Definitions.Parsing.Suggest.Closest(word, command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
    }

    /// <summary>Whether the words name a command below <paramref name="command"/>.</summary>
    private static bool Resolves(Command command, string words)
    {
        Command? at = command;
        foreach (string word in words.Split(' '))
        {
            at = at?.Subcommands.FirstOrDefault(c => !c.Hidden && c.Name == word);
        }
        return at is not null;
    }

    /// <summary>What a value of the option's type looks like, in words.</summary>
    private static string Expected(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(t).Select(n => n.ToLowerInvariant()));
        }
        return t == typeof(int) || t == typeof(long) || t == typeof(uint) ? "a whole number"
            : t == typeof(double) ? "a number"
            : t == typeof(bool) ? "true or false"
            : "a valid value";
    }

    /// <summary>"podunits logs": the words of the command the error is about.</summary>
    public static string CommandPath(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var words = new List<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            words.Insert(0, c is RootCommand ? "podunits" : c.Name);
        }
        return string.Join(' ', words);
    }

    [GeneratedRegex("^Unrecognized command or argument '(.*)'\\.?$", RegexOptions.Singleline)]
    private static partial Regex UnrecognizedPattern();

    [GeneratedRegex("^Required command was not provided")]
    private static partial Regex RequiredCommandPattern();

    [GeneratedRegex("^Required argument missing for command")]
    private static partial Regex MissingArgumentPattern();

    [GeneratedRegex("^Cannot parse argument '")]
    private static partial Regex ParseFailedPattern();
}
