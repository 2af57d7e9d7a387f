using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>
/// The Kubernetes documentation examples (corpus/, copied with their NOTICE): each either
/// validates or names the unsupported field at its line. They are checked with
/// RequireNameMatchesFile off because their metadata.name differs from their file name (they
/// are not installed as NAME.yaml); <see cref="WithTheFileNameRuleTheMismatchIsReported"/>
/// covers the default.
/// </summary>
public sealed class CorpusTests
{
    private static readonly LoadOptions AnyName = LoadOptions.Default with { RequireNameMatchesFile = false };

    public static TheoryData<string, string[]> Decisions => new()
    {
        { "commands.yaml", [] },
        { "cpu-request-limit.yaml", [
            "7:5: warning: field \"namespace\" in metadata is ignored: it only matters to a Kubernetes cluster",
            "17:9: warning: field \"requests\" in spec.containers[0].resources is ignored: it only matters to a Kubernetes scheduler"] },
        { "dapi-envars-pod.yaml", [
            "21:9: error: field \"valueFrom\" in spec.containers[0].env[0] is not supported yet",
            "28:9: error: field \"valueFrom\" in spec.containers[0].env[1] is not supported yet",
            "35:9: error: field \"valueFrom\" in spec.containers[0].env[2] is not supported yet",
            "42:9: error: field \"valueFrom\" in spec.containers[0].env[3] is not supported yet",
            "49:9: error: field \"valueFrom\" in spec.containers[0].env[4] is not supported yet"] },
        { "envars.yaml", [] },
        { "exec-liveness.yaml", ["20:7: error: field \"livenessProbe\" in spec.containers[0] is not supported yet"] },
        { "init-containers.yaml", [] },
        { "lifecycle-events.yaml", ["12:7: error: field \"lifecycle\" in spec.containers[0] is not supported yet"] },
        // Native sidecars (restartPolicy on an init container) would keep running: not supported yet.
        { "localhost.yaml", ["9:5: error: field \"restartPolicy\" in spec.initContainers[0] is not supported yet"] },
        { "memory-request-limit.yaml", [
            "7:5: warning: field \"namespace\" in metadata is ignored: it only matters to a Kubernetes cluster",
            "14:9: warning: field \"requests\" in spec.containers[0].resources is ignored: it only matters to a Kubernetes scheduler"] },
        { "pod-with-toleration.yaml", ["17:5: warning: field \"tolerations\" in spec is ignored: it only matters to a Kubernetes scheduler"] },
        { "security-context-4.yaml", [] },
        // fsGroup changes the ownership of volumes: not supported yet.
        { "security-context.yaml", ["8:5: error: field \"fsGroup\" in spec.securityContext is not supported yet"] },
        { "shared-volume.yaml", [] },
        { "tcp-liveness-readiness.yaml", ["18:5: error: field \"livenessProbe\" in spec.containers[0] is not supported yet"] },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void EachExampleValidatesOrNamesTheUnsupportedField(string file, string[] expected)
    {
        string path = RepoFiles.Corpus(file);
        LoadResult result = PodDefinitionLoader.LoadFile(path, AnyName);
        Assert.Equal(expected.Select(e => $"{path}:{e}"), result.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(expected.All(e => !e.Contains(": error: ", StringComparison.Ordinal)), result.IsValid);
    }

    [Fact]
    public void EveryCorpusFileHasADecision()
    {
        var decided = Decisions.Select(row => (string)row[0]).Order();
        var present = Directory.GetFiles(RepoFiles.Corpus("")).Select(Path.GetFileName).Where(f => f!.EndsWith(".yaml", StringComparison.Ordinal)).Order();
        Assert.Equal(present, decided);
    }

    [Fact]
    public void ValidExamplesMapTheirValues()
    {
        PodDefinition cpu = PodDefinitionLoader.LoadFile(RepoFiles.Corpus("cpu-request-limit.yaml"), AnyName).Pod!;
        Assert.Equal("cpu-demo", cpu.Name);
        Assert.Equal(1000, cpu.Containers[0].Limits.CpuMillis);
        Assert.Equal(["-cpus", "2"], cpu.Containers[0].Args);
        PodDefinition mem = PodDefinitionLoader.LoadFile(RepoFiles.Corpus("memory-request-limit.yaml"), AnyName).Pod!;
        Assert.Equal(200L * 1024 * 1024, mem.Containers[0].Limits.MemoryBytes);
        PodDefinition init = PodDefinitionLoader.LoadFile(RepoFiles.Corpus("init-containers.yaml"), AnyName).Pod!;
        Assert.Equal(DnsPolicy.Default, init.DnsPolicy);
        Assert.Equal("install", init.InitContainers[0].Name);
        PodDefinition shared = PodDefinitionLoader.LoadFile(RepoFiles.Corpus("shared-volume.yaml"), AnyName).Pod!;
        Assert.Equal(10L * 1024 * 1024, shared.Volumes[0].EmptyDir!.SizeLimitBytes);
        Assert.True(shared.Containers[0].VolumeMounts[0].ReadOnly);
        PodDefinition caps = PodDefinitionLoader.LoadFile(RepoFiles.Corpus("security-context-4.yaml"), AnyName).Pod!;
        Assert.Equal(["CAP_NET_ADMIN", "CAP_SYS_TIME"], caps.Containers[0].SecurityContext!.CapabilitiesAdd);
    }

    [Fact]
    public void WithTheFileNameRuleTheMismatchIsReported()
    {
        string path = RepoFiles.Corpus("commands.yaml");
        Assert.Equal(
            [$"{path}:6:11: error: metadata.name: \"command-demo\" must equal the file name \"commands\" (pod@NAME loads NAME.yaml); rename the file to command-demo.yaml or change the name"],
            PodDefinitionLoader.LoadFile(path).Diagnostics.Select(d => d.ToString()));
    }
}
