using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace PodUnits.Cli;

/// <summary>
/// System.CommandLine's parse errors in the CLI's words: one line per problem, no .NET type
/// names ("System.Nullable`1[System.Int32]") and no follow-up lines, and the verb's own
/// --help to read. "Required command was not provided" is dropped when the command was
/// given but is unknown: the unknown word is the problem.
/// </summary>
internal static partial class UsageErrors
{
    public static List<string> Describe(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        bool unknownWord = parsed.Errors.Any(e => UnrecognizedPattern().IsMatch(e.Message));
        var problems = new List<string>();
        foreach (ParseError e in parsed.Errors)
        {
            if (unknownWord && RequiredCommandPattern().IsMatch(e.Message))
            {
                continue; // the unknown word says more
            }
            problems.Add(Describe(e, parsed.CommandResult.Command));
        }
        return problems;
    }

    private static string Describe(ParseError e, Command command)
    {
        if (UnrecognizedPattern().Match(e.Message) is { Success: true } unknown)
        {
            string word = unknown.Groups[1].Value;
            string where = command is RootCommand ? "" : $"{CommandPath(command)}: ";
            return command.Subcommands.Count > 0 && !word.StartsWith('-')
                ? $"{where}unknown command '{word}'"
                : $"{CommandPath(command)}: unexpected '{word}'";
        }
        if (RequiredCommandPattern().IsMatch(e.Message))
        {
            return $"{CommandPath(command)}: which command? One of {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}";
        }
        if (MissingArgumentPattern().IsMatch(e.Message))
        {
            return $"{CommandPath(command)}: missing {string.Join(" ", command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0).Select(a => a.Name.ToUpperInvariant()))}";
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
