using System.Text.Json;
using PodUnits.Cli;
using PodUnits.Cli.Commands;

namespace PodUnits.UnitTests.Definitions;

/// <summary><c>podunits validate</c> in-process: exit codes, stderr lines, the JSON shape.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("podunits-validate").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out, string Err) Run(OutputFormat format, bool ignoreName, params string[] files) =>
        Run(format, ignoreName, escape: false, files);

    private static (int Code, string Out, string Err) Run(OutputFormat format, bool ignoreName, bool escape, params string[] files)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = ValidateCommand.Run(files, ignoreName, format, stdout, stderr, escape);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void ValidFilesExitZeroEvenWithWarnings()
    {
        string good = Write("good.yaml", "{apiVersion: v1, kind: Pod, spec: {containers: [{name: a, image: b}], nodeName: n1}}");
        var (code, stdout, stderr) = Run(OutputFormat.Text, false, good, RepoFiles.Path("examples/hello.yaml"));
        Assert.Equal(0, code);
        Assert.Equal($"{good}:1:71: warning: field \"nodeName\" in spec is ignored: it only matters to a Kubernetes scheduler\n", stderr);
        Assert.Contains($"{good}: valid", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AnyInvalidOrMissingFileExitsTwoAndTheOthersAreStillChecked()
    {
        string bad = Write("bad.yaml", "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    imagee: b\n");
        string missing = Path.Combine(dir, "missing.yaml");
        var (code, stdout, stderr) = Run(OutputFormat.Text, false, bad, missing, RepoFiles.Path("examples/web.yaml"));
        Assert.Equal(2, code);
        Assert.Equal(
            $"{bad}:5:5: error: spec.containers[0]: missing required field \"image\"\n" +
            $"{bad}:6:5: error: unknown field \"imagee\" in spec.containers[0]; did you mean \"image\"?\n" +
            $"podunits: {missing}: no such file\n",
            stderr);
        Assert.EndsWith("web.yaml: valid\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void OutsideTheSearchPathADifferingNameIsAWarningAndIgnoreFileNameSilencesIt()
    {
        var searchPath = new PodUnits.Definitions.PodDefinitionSearchPath(["/etc/podunits/pods", "/run/podunits/pods"]);
        Assert.True(searchPath.Contains("/etc/podunits/pods/x.yaml"));
        Assert.True(searchPath.Contains("/run/podunits/pods/../pods/x.yaml"));
        Assert.False(searchPath.Contains("/etc/podunits/pods/sub/x.yaml"));
        Assert.False(searchPath.Contains(RepoFiles.Corpus("commands.yaml")));
        var warned = Run(OutputFormat.Text, false, RepoFiles.Corpus("commands.yaml"));
        Assert.Equal(0, warned.Code);
        Assert.Contains("warning: metadata.name: \"command-demo\" differs from the file name \"commands\"; install it as " +
            "/etc/podunits/pods/command-demo.yaml", warned.Err, StringComparison.Ordinal);
        var quiet = Run(OutputFormat.Text, true, RepoFiles.Corpus("commands.yaml"));
        Assert.Equal(0, quiet.Code);
        Assert.Equal("", quiet.Err);
    }

    [Fact]
    public void JsonListsEveryFileWithItsDiagnostics()
    {
        string bad = Write("bad.yaml", "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: b, tty: true}], tolerations: []}\n");
        var (code, stdout, stderr) = Run(OutputFormat.Json, false, bad, RepoFiles.Path("examples/hello.yaml"));
        Assert.Equal(2, code);
        Assert.Equal("", stderr);
        Assert.Contains("field \\\"tty\\\"", stdout, StringComparison.Ordinal);   // \" not \u0022
        using var doc = JsonDocument.Parse(stdout);
        JsonElement[] files = [.. doc.RootElement.EnumerateArray()];
        Assert.Equal(2, files.Length);
        Assert.Equal(bad, files[0].GetProperty("file").GetString());
        Assert.False(files[0].GetProperty("valid").GetBoolean());
        JsonElement[] diags = [.. files[0].GetProperty("diagnostics").EnumerateArray()];
        Assert.Equal(2, diags.Length);
        Assert.Equal("error", diags[0].GetProperty("severity").GetString());
        Assert.Equal(3, diags[0].GetProperty("line").GetInt32());
        Assert.Equal(41, diags[0].GetProperty("column").GetInt32());
        Assert.Equal("field \"tty\" in spec.containers[0] is not supported yet", diags[0].GetProperty("message").GetString());
        Assert.Equal("warning", diags[1].GetProperty("severity").GetString());
        Assert.True(files[1].GetProperty("valid").GetBoolean());
        Assert.Equal(0, files[1].GetProperty("diagnostics").GetArrayLength());
    }

    [Fact]
    public void ANetworkThisHostLacksIsAnErrorAtItsAnnotationAsAStartWouldRefuseIt()
    {
        string pod = Write("net.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    podunits.io/network: nosuchnet0\n" +
            "spec: {containers: [{name: a, image: b}]}\n");
        var (code, stdout, stderr) = Run(OutputFormat.Text, true, pod);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"{pod}:5:5: error: metadata.annotations.podunits.io/network: network nosuchnet0: no network configuration of that name",
            stderr, StringComparison.Ordinal);
        // With the host's network the annotation does not matter (the loader warns about it).
        string host = Write("hostnet.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    podunits.io/network: nosuchnet0\n" +
            "spec: {hostNetwork: true, containers: [{name: a, image: b}]}\n");
        Assert.DoesNotContain("no network configuration", Run(OutputFormat.Text, true, host).Err, StringComparison.Ordinal);
    }

    [Fact]
    public void OnATerminalTheFilesControlCharactersAreEscaped()
    {
        // A value quoted in a message must not set the reader's window title (OSC 0).
        string pod = Write("esc.yaml", "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: b, imagePullPolicy: \"\\e]0;pwned\\a\"}]}\n");
        var onTerminal = Run(OutputFormat.Text, true, escape: true, pod);
        Assert.Equal(2, onTerminal.Code);
        Assert.Contains("\\x1b]0;pwned\\x07", onTerminal.Err, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', onTerminal.Err);
        // A pipe gets the same line: a diagnostic is one line whatever the file holds.
        var onPipe = Run(OutputFormat.Text, true, escape: false, pod);
        Assert.Contains("\\x1b]0;pwned\\x07", onPipe.Err, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', onPipe.Err);
    }

    [Fact]
    public void TheVerbIsRegistered()
    {
        var root = CliApp.BuildRoot();
        Assert.Contains(root.Subcommands, c => c.Name == "validate");
    }
}
