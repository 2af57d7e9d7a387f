using System.CommandLine;
using PodUnits.Cli;

namespace PodUnits.UnitTests.Cli;

/// <summary>Usage errors in the CLI's words: one line per problem, no .NET type names.</summary>
public sealed class UsageErrorsTests
{
    private static List<string> Problems(params string[] args) => UsageErrors.Describe(CliApp.Parse(args));

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "image", "frob" }, "podunits image: unknown command 'frob'")]
    [InlineData(new[] { "list", "--output", "yaml" }, "--output: 'yaml' is not one of text, json")]
    [InlineData(new[] { "logs", "-n", "abc", "web" }, "--lines: 'abc' is not a whole number")]
    [InlineData(new[] { "logs" }, "podunits logs: missing NAME")]
    [InlineData(new[] { "list", "--frob" }, "podunits list: unknown option '--frob'")]
    public void EachProblemIsOneSentenceOfItsOwn(string[] args, string expected) => Assert.Equal([expected], Problems(args));

    [Theory]
    [InlineData(new[] { "exec", "web", "ls" }, "unknown command 'exec'; did you mean 'enter'?")]
    [InlineData(new[] { "ps" }, "unknown command 'ps'; did you mean 'list'?")]
    [InlineData(new[] { "delete", "web" }, "unknown command 'delete'; did you mean 'stop'?")]
    [InlineData(new[] { "kill", "web" }, "unknown command 'kill'; did you mean 'stop'?")]
    [InlineData(new[] { "inspect", "web" }, "unknown command 'inspect'; did you mean 'status'?")]
    [InlineData(new[] { "pull", "busybox" }, "unknown command 'pull'; did you mean 'image fetch'?")]
    [InlineData(new[] { "images" }, "unknown command 'images'; did you mean 'image list'?")]
    [InlineData(new[] { "stauts", "web" }, "unknown command 'stauts'; did you mean 'status'?")]
    [InlineData(new[] { "lgos", "web", "-f" }, "unknown command 'lgos'; did you mean 'logs'?")]
    [InlineData(new[] { "image", "pull", "busybox" }, "podunits image: unknown command 'pull'; did you mean 'fetch'?")]
    [InlineData(new[] { "image", "lst" }, "podunits image: unknown command 'lst'; did you mean 'list'?")]
    public void AnUnknownCommandIsOneLineWithWhatWasMeant(string[] args, string expected) => Assert.Equal([expected], Problems(args));

    /// <summary>Tour F: `status --bogus web` took "--bogus" for the name and blamed "web";
    /// `-o json list` was two unexpected words.</summary>
    [Theory]
    [InlineData(new[] { "status", "--bogus", "web" }, "podunits status: unknown option '--bogus'")]
    [InlineData(new[] { "status", "--bogus" }, "podunits status: unknown option '--bogus'")]
    [InlineData(new[] { "status", "web", "--outptu", "json" }, "podunits status: unknown option '--outptu'; did you mean '--output'?")]
    [InlineData(new[] { "validate", "--strict", "x.yaml" }, "podunits validate: unknown option '--strict'")]
    [InlineData(new[] { "-o", "json", "list" }, "podunits list: put '-o json' after 'list': options go after their command")]
    [InlineData(new[] { "--output=json", "status", "web" }, "podunits status: put '--output=json' after 'status': options go after their command")]
    [InlineData(new[] { "--lines", "5", "logs", "web" }, "podunits logs: put '--lines 5' after 'logs': options go after their command")]
    public void AWordThatLooksLikeAnOptionIsJudgedAsOne(string[] args, string expected)
    {
        Assert.Equal([expected], Problems(args));
        Assert.True(UsageErrors.Refuses(CliApp.Parse(args)));
    }

    /// <summary>Review of 2026-12-05: a Secret's value was quoted back in usage errors, which
    /// reach the journal when stderr is one.</summary>
    [Theory]
    [InlineData(new[] { "secret", "create", "db", "token=hunter2" }, "podunits secret create: unexpected 'token=...'")]
    [InlineData(new[] { "--from-literal", "token=hunter2", "secret", "create", "db" }, "podunits secret create: put '--from-literal token=...' after 'create': options go after their command")]
    [InlineData(new[] { "--from-literal=token=hunter2", "secret", "create", "db" }, "podunits secret create: put '--from-literal=token=...' after 'create': options go after their command")]
    public void ASecretsValueIsNotQuotedBack(string[] args, string expected)
    {
        List<string> problems = Problems(args);
        Assert.Contains(expected, problems);
        Assert.DoesNotContain(problems, p => p.Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public void AnOptionWithoutItsCommandIsNotReadAsACommand()
    {
        Assert.Equal(["put '-o json' after a command: options go after their command"], Problems("-o", "json"));
        Assert.Equal(["unknown option '--frob'"], Problems("--frob"));
    }

    [Theory]
    [InlineData("enter", "web", "ls", "-l")]
    [InlineData("enter", "web", "--", "ls", "--color")]
    [InlineData("run", "-i", "busybox", "--", "ls", "-l")]
    [InlineData("image", "export", "busybox", "-")]
    [InlineData("-v", "list")]
    [InlineData("generate")] // DESIGN.md's `generate [--dir DIR]` (CLI review of 2026-12-07, finding 3)
    public void ACommandsOwnDashWordsAreNotOptions(params string[] args) => Assert.False(UsageErrors.Refuses(CliApp.Parse(args)));

    /// <summary>CLI review of 2026-12-06, finding 1: System.CommandLine read a word starting
    /// with '@' as a file of more words, as root and before any check: a file's lines came
    /// back as errors, and a directory crashed the parse.</summary>
    [Fact]
    public void AWordStartingWithAtIsAWordNotAFileToRead()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "secret-line\n");
            ParseResult parsed = CliApp.Parse(["status", "@" + file]);
            Assert.DoesNotContain(parsed.Tokens, t => t.Value.Contains("secret-line", StringComparison.Ordinal));
            Assert.Contains(parsed.Tokens, t => t.Value == "@" + file);
            Assert.DoesNotContain(UsageErrors.Describe(parsed), p => p.Contains("secret-line", StringComparison.Ordinal));
            // A directory: the parse threw UnauthorizedAccessException, a crash with a stack trace.
            Assert.Contains(Problems("list", "@/"), p => p.Contains("unexpected '@/'", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>CLI review of 2026-12-06, finding 2: every cancellation was "interrupted",
    /// exit 130, though no signal had come (the CLI leaves Ctrl-C to a few verbs' handlers):
    /// HttpClient's timeouts are cancellations too.</summary>
    [Fact]
    public async Task ATimeoutNoSignalCausedIsARuntimeFailureNotAnInterrupt()
    {
        Assert.False(PodUnits.Core.Errors.Interruption.Signalled);
        int code = await CliApp.InvokeAsync(() => throw new TaskCanceledException("timed out", new TimeoutException()));
        Assert.Equal(1, code);
    }

    [Fact]
    public void AnUnknownCommandWithHelpIsRefusedNotAnsweredWithTheRootsHelp()
    {
        var root = CliApp.BuildRoot();
        Assert.True(UsageErrors.Refuses(root.Parse(["exec", "--help"])));
        Assert.Equal(["unknown command 'exec'; did you mean 'enter'?"], Problems("exec", "--help"));
        Assert.False(UsageErrors.Refuses(root.Parse(["--help"])));
        Assert.False(UsageErrors.Refuses(root.Parse(["logs", "--help"])));
        Assert.False(UsageErrors.Refuses(root.Parse(["image", "--help"])));
    }

    [Fact]
    public void AMissingCommandListsTheChoices()
    {
        string problem = Assert.Single(Problems("image"));
        Assert.StartsWith("podunits image: which command? One of ", problem, StringComparison.Ordinal);
        Assert.Contains("import", problem, StringComparison.Ordinal);
        // podunits itself is not named twice: the line already starts "podunits: usage: ".
        Assert.StartsWith("which command? One of ", Assert.Single(Problems()), StringComparison.Ordinal);
    }

    [Fact]
    public void NoTypeNameOrSecondLineReachesTheUser()
    {
        foreach (string[] args in new[] { new[] { "list", "--output", "yaml" }, ["logs", "-n", "x", "w"], ["status", "a", "b"], ["frob"] })
        {
            Assert.All(Problems(args), p =>
            {
                Assert.DoesNotContain("System.", p, StringComparison.Ordinal);
                Assert.DoesNotContain("PodUnits.", p, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', p);
            });
        }
    }

    [Fact]
    public void TheHelpToReadIsTheVerbs() =>
        Assert.Equal("podunits secret create", UsageErrors.CommandPath(CliApp.BuildRoot().Parse(["secret", "create"]).CommandResult.Command));
}
