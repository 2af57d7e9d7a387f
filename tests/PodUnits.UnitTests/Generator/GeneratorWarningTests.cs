using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>Warnings about a definition reach the generator's log, and the pod is still generated.</summary>
public sealed class GeneratorWarningTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("podunits-genwarn-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AClusterOnlyFieldIsReportedAsAWarningAndThePodIsGenerated()
    {
        string pods = Directory.CreateDirectory(Path.Combine(_root, "pods")).FullName;
        string output = Directory.CreateDirectory(Path.Combine(_root, "out")).FullName;
        File.WriteAllText(Path.Combine(pods, "warned.yaml"), """
            apiVersion: v1
            kind: Pod
            metadata:
              name: warned
            spec:
              nodeSelector: {disk: ssd}
              containers:
                - name: main
                  image: busybox
            """);
        var stderr = new StringWriter();
        int status;
        using (GeneratorLog log = GeneratorLog.ForWriter(stderr))
        {
            status = PodGenerator.Run(new PodDefinitionSearchPath([pods]), output, log, hostMachineId: null);
        }
        Assert.Equal(0, status);
        Assert.Contains($"podunits-generator: warning: {pods}/warned.yaml:6:3: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("nodeSelector", stderr.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "pod@warned.service.d", DropInRenderer.FileName)));
    }

    /// <summary>Review of 2026-12-05: every diagnostic went to the kernel log, a broken Secret
    /// file's too, whose message may quote a value (an unquoted password YAML reads as an
    /// alias); the kernel log is every user's where dmesg_restrict is 0.</summary>
    [Fact]
    public void ABrokenSecretsMessageIsNotLogged()
    {
        string pods = Directory.CreateDirectory(Path.Combine(_root, "pods")).FullName;
        string secrets = Directory.CreateDirectory(Path.Combine(_root, "secrets")).FullName;
        string output = Directory.CreateDirectory(Path.Combine(_root, "out")).FullName;
        File.WriteAllText(Path.Combine(secrets, "db.yaml"), "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: *Sup3rS3cret2024\n");
        File.WriteAllText(Path.Combine(pods, "uses.yaml"), """
            apiVersion: v1
            kind: Pod
            metadata:
              name: uses
            spec:
              containers:
                - name: main
                  image: busybox
                  envFrom: [{secretRef: {name: db}}]
            """);
        var stderr = new StringWriter();
        using (GeneratorLog log = GeneratorLog.ForWriter(stderr))
        {
            PodGenerator.Run(new PodDefinitionSearchPath([pods]), output, log, hostMachineId: null, objectRoots: [_root]);
        }
        string logged = stderr.ToString();
        Assert.Contains($"{secrets}/db.yaml:5:", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3rS3cret2024", logged, StringComparison.Ordinal);
    }
}
