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
}
