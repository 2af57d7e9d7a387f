using System.Diagnostics;
using System.Reflection;
using PodUnits.Cli.Commands;

namespace PodUnits.UnitTests.Cli;

/// <summary>The man page and the bash completion know every public verb, and the completion
/// really completes (bash runs it, as the shell would).</summary>
public sealed class DocsAndCompletionTests
{
    private static readonly string Completion = Path.Combine(RepoRoot.Path, "packaging/completions/podunits.bash");

    public static TheoryData<string> Verbs() => [.. CommandTable.All().Where(c => !c.Hidden).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Verbs))]
    public void TheManPageDescribesEveryVerb(string verb) =>
        Assert.Contains(File.ReadAllLines(Path.Combine(RepoRoot.Path, "docs/podunits.1")), l => l.StartsWith($".SS {verb}", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Verbs))]
    public void TheCompletionOffersEveryVerb(string verb) =>
        Assert.Contains(verb, Complete("podunits", verb[..2]));

    [Fact]
    public void VerbsOptionsAndSubverbsComplete()
    {
        Assert.Equal(["status", "stop"], Complete("podunits", "st"));
        Assert.Equal(["--container", "--cpu"], Complete("podunits", "update", "web", "--c"));
        Assert.Equal(["json"], Complete("podunits", "list", "-o", "j"));
        Assert.Equal(["import"], Complete("podunits", "image", "im"));
        Assert.Empty(Complete("podunits", "update", "web", "--memory", ""));
    }

    /// <summary>Review of 2026-12-05: after most options that take a value the value was taken
    /// for the pod's name, or the pod names were offered for it; --pull's own words now.</summary>
    [Fact]
    public void AnOptionsValueIsNotTakenForThePodsName()
    {
        Assert.Equal(["always"], Complete("podunits", "run", "--pull", "al"));
        Assert.Equal(["always", "missing", "never"], Complete("podunits", "run", "--name", "x", "--pull", ""));
    }

    /// <summary>Each verb's (and subverb's) long options, as `podunits VERB [SUB] --TAB` must
    /// offer them.</summary>
    public static TheoryData<string, string> LongOptions()
    {
        var data = new TheoryData<string, string>();
        foreach (System.CommandLine.Command verb in CommandTable.All().Where(c => !c.Hidden))
        {
            IEnumerable<(string Words, System.CommandLine.Command Command)> commands = verb.Subcommands.Count == 0
                ? [(verb.Name, verb)]
                : verb.Subcommands.Where(c => !c.Hidden).Select(c => ($"{verb.Name} {c.Name}", c));
            foreach ((string words, System.CommandLine.Command command) in commands)
            {
                foreach (string option in command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Append(o.Name))
                    .Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
                {
                    data.Add(words, option);
                }
            }
        }
        return data;
    }

    /// <summary>CLI review of 2026-12-06, finding 9: `auto-update --ready-timeout` and
    /// `validate --output` were documented and never offered.</summary>
    [Theory]
    [MemberData(nameof(LongOptions))]
    public void TheCompletionOffersEveryLongOption(string words, string option) =>
        Assert.Contains(option, Complete([.. "podunits".Split(' '), .. words.Split(' '), "--"]));

    [Fact]
    public void TheVersionIsTheSameInTheBinaryTheManPageAndThePackages()
    {
        string version = typeof(CommandTable).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        Assert.Matches(@"^[0-9]+\.[0-9]+\.[0-9]+$", version);
        Assert.Contains($"\"PodUnits {version}\"", File.ReadLines(Path.Combine(RepoRoot.Path, "docs/podunits.1")).First(), StringComparison.Ordinal);
        Assert.Contains($"PODUNITS_VERSION:-{version}}}", File.ReadAllText(Path.Combine(RepoRoot.Path, "packaging/build-packages.sh")), StringComparison.Ordinal);
        Assert.Contains($"!?pkg_version:{version}}}", File.ReadAllText(Path.Combine(RepoRoot.Path, "rpm.spec")), StringComparison.Ordinal);
    }

    /// <summary>What COMPREPLY holds after bash runs the completion for these words (the
    /// last one being completed), sorted.</summary>
    private static string[] Complete(params string[] words)
    {
        string quoted = string.Join(' ', words.Select(w => $"'{w}'"));
        string script = $"source '{Completion}'; COMP_WORDS=({quoted}); COMP_CWORD={words.Length - 1}; _podunits; printf '%s\\n' \"${{COMPREPLY[@]}}\"";
        var info = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process bash = Process.Start(info)!;
        string output = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        Assert.Equal(0, bash.ExitCode);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
    }
}
