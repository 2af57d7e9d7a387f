using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace PodUnits.Cli;

/// <summary>
/// Words that look like options but are not where System.CommandLine can use them. It reads
/// an unknown "--bogus" as an argument, so `status --bogus web` took "--bogus" for the pod's
/// name and blamed "web"; and an option given before its verb (`-o json list`, as kubectl
/// allows for its global flags) came out as two "unexpected" words (tour F).
/// </summary>
internal static partial class UsageErrors
{
    /// <summary>Arguments that take any words, dashes included (enter's and run's command
    /// after --): a "-l" there is the command's, not ours.</summary>
    private static readonly ConditionalWeakTable<Argument, object> PassThrough = [];

    /// <summary>Marks <paramref name="argument"/> as taking words that start with '-'.</summary>
    public static T TakesAnyWords<T>(T argument) where T : Argument
    {
        PassThrough.AddOrUpdate(argument, argument);
        return argument;
    }

    /// <summary>One problem per dash word that is no option here, and the words they explain
    /// (an option's value before the verb, a word pushed out of an argument's place).</summary>
    private static (List<string> Problems, HashSet<string> Explained) MisplacedOptions(ParseResult parsed)
    {
        Command command = parsed.CommandResult.Command;
        var problems = new List<string>();
        var explained = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<Token> tokens = parsed.Tokens;
        int verb = LastIndex(tokens, t => t.Type == TokenType.Command);
        var unmatched = new HashSet<string>(parsed.UnmatchedTokens, StringComparer.Ordinal);
        var taken = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        foreach (ArgumentResult argument in parsed.CommandResult.Children.OfType<ArgumentResult>())
        {
            if (!PassThrough.TryGetValue(argument.Argument, out _))
            {
                taken.UnionWith(argument.Tokens);
            }
        }
        for (int i = 0; i < tokens.Count; i++)
        {
            Token token = tokens[i];
            if (token.Type == TokenType.DoubleDash)
            {
                break; // what follows -- is never an option
            }
            if (token.Type != TokenType.Argument || !LooksLikeOption(token.Value) || !(unmatched.Contains(token.Value) || taken.Contains(token)))
            {
                continue;
            }
            explained.Add(token.Value);
            string name = token.Value.Split('=', 2)[0];
            Option? option = OptionsOf(command).FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
            // Without a verb: an option some command has (`podunits -o json`).
            option ??= command is RootCommand ? Below(command).SelectMany(c => c.Options).FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name)) : null;
            if (option is not null && i < Math.Max(verb, command is RootCommand ? tokens.Count : -1))
            {
                bool hasValue = option.Arity.MaximumNumberOfValues > 0 && !token.Value.Contains('=', StringComparison.Ordinal) && i + 1 < tokens.Count;
                string given = hasValue ? $"{token.Value} {tokens[i + 1].Value}" : token.Value;
                if (option.Name == "--from-literal")
                {
                    // KEY=VALUE of a Secret: the key only.
                    given = hasValue ? $"{token.Value} {Shown(tokens[i + 1].Value)}" : $"{name}={Shown(token.Value[(name.Length + 1)..])}";
                }
                if (hasValue)
                {
                    explained.Add(tokens[i + 1].Value);
                }
                problems.Add($"{Where(command)}put '{given}' after {(command is RootCommand ? "a command" : $"'{command.Name}'")}: options go after their command");
                continue;
            }
            string? meant = Definitions.Parsing.Suggest.Closest(name, OptionsOf(command).Where(o => !o.Hidden).Select(o => o.Name));
            problems.Add($"{Where(command)}unknown option '{name}'{(meant is null ? "" : $"; did you mean '{meant}'?")}");
            if (taken.Contains(token))
            {
                // It took an argument's place: the words after it moved up one and are not
                // problems of their own.
                explained.UnionWith(parsed.UnmatchedTokens);
            }
            else if (i + 1 < tokens.Count && tokens[i + 1].Type == TokenType.Argument && !LooksLikeOption(tokens[i + 1].Value)
                && unmatched.Contains(tokens[i + 1].Value))
            {
                explained.Add(tokens[i + 1].Value); // most likely its value: "--outptu json"
            }
        }
        return (problems, explained);
    }

    /// <summary>"--bogus", "-x", "--bogus=1": not "-" (stdin/stdout) nor a negative number.</summary>
    private static bool LooksLikeOption(string word) =>
        word.Length > 1 && word[0] == '-' && !double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The options a command understands, the recursive ones of its parents included.</summary>
    private static IEnumerable<Option> OptionsOf(Command command)
    {
        IEnumerable<Option> options = command.Options;
        for (Command? parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
        {
            options = options.Concat(parent.Options.Where(o => o.Recursive));
        }
        return options;
    }

    private static IEnumerable<Command> Below(Command command) =>
        command.Subcommands.SelectMany(c => Below(c).Prepend(c));

    private static int LastIndex(IReadOnlyList<Token> tokens, Func<Token, bool> match)
    {
        for (int i = tokens.Count - 1; i >= 0; i--)
        {
            if (match(tokens[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
