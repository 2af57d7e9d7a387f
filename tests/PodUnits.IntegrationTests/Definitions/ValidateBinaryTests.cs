using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PodUnits.IntegrationTests.Definitions;

/// <summary>
/// The installed NativeAOT binary (/usr/bin/podunits) on the examples and the Kubernetes
/// documentation corpus: exit 0 or 2, compiler-style lines naming the field at its line, never
/// a stack trace; and its JSON (source-generated, so it must work without reflection).
/// </summary>
public sealed partial class ValidateBinaryTests
{
    private const string Binary = "/usr/bin/podunits";

    // File -> null when valid, else the first error it must report (after "FILE:").
    public static TheoryData<string, string?> Corpus => new()
    {
        { "commands.yaml", null },
        { "cpu-request-limit.yaml", null },
        { "dapi-envars-pod.yaml", null },
        { "dapi-volume.yaml", null },
        { "dapi-envars-container.yaml", null },
        // Nothing on this host defines the Secret its page creates with kubectl.
        { "secret-pod.yaml", "25:21: error: spec.volumes[0].secret.secretName: Secret \"test-secret\" not found (looked in this file and " +
            "/etc/podunits/secrets/test-secret.yaml (or .cred), /run/podunits/secrets/test-secret.yaml (or .cred), /usr/lib/podunits/secrets/test-secret.yaml (or .cred)); create it, or set optional: true" },
        { "projected-service-account-token.yaml", "22:11: error: spec.volumes[0].projected.sources[0].serviceAccountToken: " +
            "a serviceAccountToken projection needs a Kubernetes API server to issue it, and PodUnits runs pods without one" },
        { "envars.yaml", null },
        { "exec-liveness.yaml", null },
        { "init-containers.yaml", null },
        { "lifecycle-events.yaml", null },
        { "localhost.yaml", null },
        { "memory-request-limit.yaml", null },
        { "pod-with-toleration.yaml", null },
        { "security-context-4.yaml", null },
        { "security-context.yaml", null },
        { "shared-volume.yaml", null },
        { "tcp-liveness-readiness.yaml", null },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void CorpusFileExitsZeroOrTwoNamingTheField(string file, string? firstError)
    {
        string path = Path.Combine(PodUnits.UnitTests.RepoRoot.Path, "tests/PodUnits.UnitTests/Definitions/corpus", file);
        var (code, stdout, stderr) = Run("validate", "--ignore-file-name", path);
        Assert.Equal(firstError is null ? 0 : 2, code);
        AssertNoStackTrace(stderr);
        Assert.All(Lines(stderr), line => Assert.Matches(DiagnosticLine(), line));
        if (firstError is null)
        {
            Assert.Equal($"{path}: valid\n", stdout);
        }
        else
        {
            Assert.Equal($"{path}:{firstError}", Lines(stderr).First(l => l.Contains(": error: ", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void ExamplesAreValidAndTheFileNameRuleApplies()
    {
        string root = PodUnits.UnitTests.RepoRoot.Path;
        var (code, _, stderr) = Run("validate", Path.Combine(root, "examples/hello.yaml"), Path.Combine(root, "examples/web.yaml"));
        Assert.Equal(0, code);
        Assert.Equal("", stderr);

        // Outside the pod search path a differing name is a warning saying how to install it
        // (in it, an error: pod@NAME loads NAME.yaml; ValidateCommandTests).
        string commands = Path.Combine(root, "tests/PodUnits.UnitTests/Definitions/corpus/commands.yaml");
        (code, _, stderr) = Run("validate", commands);
        Assert.Equal(0, code);
        Assert.Equal($"{commands}:6:11: warning: metadata.name: \"command-demo\" differs from the file name \"commands\"; " +
            "install it as /etc/podunits/pods/command-demo.yaml to run it with systemctl start pod@command-demo\n", stderr);
    }

    [Fact]
    public void JsonOutputWorksInTheAotBinary()
    {
        string root = PodUnits.UnitTests.RepoRoot.Path;
        var (code, stdout, stderr) = Run("validate", "--output", "json", Path.Combine(root, "examples/hello.yaml"), "/nonexistent/x.yaml");
        Assert.Equal(2, code);
        AssertNoStackTrace(stderr);
        using var doc = JsonDocument.Parse(stdout);
        JsonElement[] files = [.. doc.RootElement.EnumerateArray()];
        Assert.True(files[0].GetProperty("valid").GetBoolean());
        Assert.False(files[1].GetProperty("valid").GetBoolean());
        JsonElement d = files[1].GetProperty("diagnostics")[0];
        Assert.Equal("error", d.GetProperty("severity").GetString());
        Assert.Equal("no such file", d.GetProperty("message").GetString());
        Assert.Equal(0, d.GetProperty("line").GetInt32()); // no file, no position in it
    }

    [Fact]
    public void APodsNameIsToldWhereItsDefinitionIs()
    {
        // Every other pod command takes a NAME; validate takes files, and says so.
        Directory.CreateDirectory("/etc/podunits/pods");
        File.WriteAllText("/etc/podunits/pods/val-byname.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: val-byname}\nspec:\n  containers: [{name: a, image: busybox}]\n");
        try
        {
            var (code, _, stderr) = Run("validate", "val-byname");
            Assert.Equal(2, code);
            Assert.Equal("podunits: val-byname: no such file (validate takes files: pod val-byname's definition is /etc/podunits/pods/val-byname.yaml)\n", stderr);
        }
        finally
        {
            File.Delete("/etc/podunits/pods/val-byname.yaml");
        }
    }

    [Fact]
    public void GarbageAndUsageErrorsExitTwoWithoutAStackTrace()
    {
        string dir = Directory.CreateTempSubdirectory("podunits-garbage").FullName;
        try
        {
            string garbage = Path.Combine(dir, "g.yaml");
            File.WriteAllBytes(garbage, [0xff, 0xfe, 0x00, (byte)'[', (byte)'{', (byte)':', 0x0a, (byte)'*', (byte)'x']);
            var (code, _, stderr) = Run("validate", garbage);
            Assert.Equal(2, code);
            AssertNoStackTrace(stderr);
            Assert.Matches(DiagnosticLine(), Lines(stderr).First());

            (code, _, stderr) = Run("validate");
            Assert.Equal(2, code);
            AssertNoStackTrace(stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [GeneratedRegex(@"^/.+:\d+:\d+: (error|warning): \S")]
    private static partial Regex DiagnosticLine();

    private static void AssertNoStackTrace(string stderr)
    {
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(30_000), "podunits validate did not finish in 30 s");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
