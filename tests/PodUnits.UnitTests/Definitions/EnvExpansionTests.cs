using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>$(VAR) expansion as Kubernetes documents it (and as its expansion package's own
/// tests pin down).</summary>
public sealed class EnvExpansionTests
{
    private static readonly Dictionary<string, string> Vars = new()
    {
        ["VAR_A"] = "A",
        ["VAR_B"] = "B",
        ["VAR_EMPTY"] = "",
        ["GREETING"] = "hello world",
    };

    [Theory]
    [InlineData("$(VAR_A)", "A")]
    [InlineData("___$(VAR_B)___", "___B___")]
    [InlineData("$(VAR_A)-$(VAR_B)", "A-B")]
    [InlineData("$(VAR_EMPTY)x", "x")]
    [InlineData("$(UNKNOWN)", "$(UNKNOWN)")]
    [InlineData("$$(VAR_A)", "$(VAR_A)")]
    [InlineData("$$$(VAR_A)", "$A")]
    [InlineData("$$$$(VAR_A)", "$$(VAR_A)")]
    [InlineData("$$", "$")]
    [InlineData("$", "$")]
    [InlineData("x$", "x$")]
    [InlineData("$VAR_A", "$VAR_A")]
    [InlineData("${VAR_A}", "${VAR_A}")]
    [InlineData("$(VAR_A", "$(VAR_A")]
    [InlineData("$()", "$()")]
    [InlineData("$(hostname)", "$(hostname)")]
    [InlineData("echo $(GREETING)!", "echo hello world!")]
    [InlineData("no refs", "no refs")]
    [InlineData("$(VAR_A)$(VAR_A", "A$(VAR_A")]
    public void ExpandsLikeKubernetes(string input, string expected) =>
        Assert.Equal(expected, EnvExpansion.Expand(input, n => Vars.GetValueOrDefault(n)));

    private static ContainerDefinition Container(string[]? command, string[]? args, params EnvVar[] env) => new()
    {
        Name = "c",
        Image = "busybox",
        Command = command,
        Args = args,
        Env = env,
    };

    [Theory]
    [InlineData(null, null, "/entry --cmd")]
    [InlineData(new[] { "sh" }, null, "sh")]
    [InlineData(null, new[] { "-x" }, "/entry -x")]
    [InlineData(new[] { "sh" }, new[] { "-c", "true" }, "sh -c true")]
    public void CommandReplacesEntrypointAndArgsReplaceCmd(string[]? command, string[]? args, string argv)
    {
        var p = ContainerProcess.Resolve(Container(command, args), ["/entry"], ["--cmd"], []);
        Assert.Equal(argv, string.Join(' ', p.Argv));
    }

    [Fact]
    public void EnvSeesEarlierVarsAndImageEnvAndCommandSeesAll()
    {
        var container = Container(
            ["echo", "$(GREETING)", "$$(GREETING)", "$(LATER)"],
            ["$(PATH)"],
            new EnvVar("NAME", "pod"),
            new EnvVar("GREETING", "hi $(NAME) $(LATER) $(HOME)"),
            new EnvVar("LATER", "late"),
            new EnvVar("HOME", "/root2"));
        var p = ContainerProcess.Resolve(container, null, null,
            [new("PATH", "/bin"), new("HOME", "/root")]);
        Assert.Equal(["echo", "hi pod $(LATER) /root", "$(GREETING)", "late", "/bin"], p.Argv);
        Assert.Equal(
            ["PATH=/bin", "HOME=/root2", "NAME=pod", "GREETING=hi pod $(LATER) /root", "LATER=late"],
            p.Environment.Select(kv => $"{kv.Key}={kv.Value}"));
    }

    [Fact]
    public void AnExpansionThatWouldOutgrowAnArgumentIsRefusedAtOnce()
    {
        // Each variable twice the one before: forty of them were gigabytes in the executor.
        EnvVar[] env = [new("V0", "xxxxxxxxxxxxxxxx"), .. Enumerable.Range(1, 40).Select(i => new EnvVar($"V{i}", $"$(V{i - 1})$(V{i - 1})"))];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<PodUnits.Core.Errors.BadInputException>(() => ContainerProcess.Resolve(Container(["sh"], null, env), null, null, []));
        Assert.StartsWith("env V14 of container c: expands to more than 131072 characters", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024);
        // Up to the limit it expands.
        Assert.Equal(2 * 65536, EnvExpansion.Expand("$(A)$(A)", n => new string('a', 65536)).Length);
    }
}
