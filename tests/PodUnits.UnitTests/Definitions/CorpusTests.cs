using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>
/// The Kubernetes documentation examples (corpus/, copied with their NOTICE): each either
/// validates or names the unsupported field at its line. They are checked with
/// RequireNameMatchesFile off because their metadata.name differs from their file name (they
/// are not installed as NAME.yaml); <see cref="WithTheFileNameRuleTheMismatchIsReported"/>
/// covers the default.
/// </summary>
public sealed class CorpusTests : IDisposable
{
    private static readonly LoadOptions AnyName = LoadOptions.Default with { RequireNameMatchesFile = false };

    /// <summary>The corpus files that hold ConfigMaps and Secrets rather than pods. The
    /// documentation uses two different ConfigMaps named special-config, so each pod names
    /// the files its page installs (the <see cref="Decisions"/> column).</summary>
    private static readonly string[] ObjectFiles = ["configmap-envFrom.yaml", "configmap-multikeys.yaml", "configmaps.yaml", "secret.yaml"];

    /// <summary>Objects the documentation creates with kubectl create (not as files): written
    /// here the way a PodUnits user writes them, to /etc/podunits/secrets/NAME.yaml.</summary>
    private static readonly (string Kind, string Name, string Key)[] CreatedByKubectl =
    [
        ("Secret", "backend-user", "backend-username"), ("Secret", "db-user", "db-username"),
        ("Secret", "user", "username"), ("Secret", "pass", "password"),
        ("Secret", "mysecret", "username"), ("Secret", "mysecret2", "password"), ("ConfigMap", "myconfigmap", "config"),
    ];

    private readonly string _roots = Directory.CreateTempSubdirectory("podunits-corpus-").FullName;

    public void Dispose() => Directory.Delete(_roots, recursive: true);

    public static TheoryData<string, string[], string[]> Decisions => new()
    {
        { "commands.yaml", [], [] },
        { "cpu-request-limit.yaml", [], [
            "7:5: warning: field \"namespace\" in metadata is ignored: it only matters to a Kubernetes cluster"] },
        { "dapi-envars-container.yaml", [], [
            "21:11: warning: field \"memory\" in spec.containers[0].resources.requests is ignored: it only matters to a Kubernetes scheduler"] },
        { "dapi-envars-pod.yaml", [], [] },
        { "dapi-volume-resources.yaml", [], [
            "21:11: warning: field \"memory\" in spec.containers[0].resources.requests is ignored: it only matters to a Kubernetes scheduler"] },
        { "dapi-volume.yaml", [], [] },
        { "envFrom.yaml", ["configmap-envFrom.yaml"], [] },
        { "envars.yaml", [], [] },
        { "exec-liveness.yaml", [], [] },
        { "init-containers.yaml", [], [] },
        { "lifecycle-events.yaml", [], [] },
        { "localhost.yaml", [], [] },
        { "memory-request-limit.yaml", [], [
            "7:5: warning: field \"namespace\" in metadata is ignored: it only matters to a Kubernetes cluster",
            "15:11: warning: field \"memory\" in spec.containers[0].resources.requests is ignored: it only matters to a Kubernetes scheduler"] },
        { "pod-configmap-env-var-valueFrom.yaml", ["configmap-multikeys.yaml"], [] },
        { "pod-configmap-envFrom.yaml", ["configmaps.yaml"], [] },
        { "pod-configmap-volume-specific-key.yaml", ["configmap-multikeys.yaml"], [] },
        { "pod-configmap-volume.yaml", ["configmap-multikeys.yaml"], [] },
        { "pod-multiple-configmap-env-variable.yaml", ["configmaps.yaml"], [] },
        { "pod-multiple-secret-env-variable.yaml", [], [] },
        { "pod-secret-envFrom.yaml", ["secret.yaml"], [] },
        { "pod-single-configmap-env-variable.yaml", ["configmaps.yaml"], [] },
        { "pod-single-secret-env-variable.yaml", [], [] },
        { "pod-with-toleration.yaml", [], ["17:5: warning: field \"tolerations\" in spec is ignored: it only matters to a Kubernetes scheduler"] },
        { "projected-secret-downwardapi-configmap.yaml", [], [] },
        { "projected-secrets-nondefault-permission-mode.yaml", [], [] },
        // Cannot exist on one host: nothing issues service account tokens.
        { "projected-service-account-token.yaml", [], [
            "16:3: warning: field \"serviceAccountName\" in spec is ignored: it only matters to a Kubernetes cluster",
            "22:11: error: spec.volumes[0].projected.sources[0].serviceAccountToken: a serviceAccountToken projection needs a Kubernetes API server to issue it, and PodUnits runs pods without one"] },
        { "projected.yaml", [], [] },
        { "secret-envars-pod.yaml", ["secret.yaml"], [] },
        { "secret-pod.yaml", ["secret.yaml"], [] },
        { "security-context-4.yaml", [], [] },
        { "security-context.yaml", [], [] },
        { "shared-volume.yaml", [], [] },
        { "tcp-liveness-readiness.yaml", [], [] },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void EachExampleValidatesOrNamesTheUnsupportedField(string file, string[] objects, string[] expected)
    {
        string path = RepoFiles.Corpus(file);
        LoadResult result = PodDefinitionLoader.LoadFile(path, WithObjects(objects));
        Assert.Equal(expected.Select(e => $"{path}:{e}"), result.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(expected.All(e => !e.Contains(": error: ", StringComparison.Ordinal)), result.IsValid);
    }

    [Fact]
    public void EveryCorpusFileHasADecision()
    {
        var decided = Decisions.Select(row => (string)row[0]).Concat(ObjectFiles).Order();
        var present = Directory.GetFiles(RepoFiles.Corpus("")).Select(Path.GetFileName).Where(f => f!.EndsWith(".yaml", StringComparison.Ordinal)).Order();
        Assert.Equal(present, decided);
    }

    /// <summary>`podunits validate` of an object file alone (a ConfigMap, a Secret): one error
    /// at its kind saying where it goes, not errors from mapping it as a Pod.</summary>
    [Theory]
    [InlineData("configmap-envFrom.yaml", "2:7: error: kind: a ConfigMap on its own is not a pod definition; install it as " +
        "/etc/podunits/configmaps/envfrom-configmap.yaml (or put it in the pod's file after the Pod, as a second document)")]
    [InlineData("secret.yaml", "4:9: error: kind: a Secret on its own is not a pod definition; install it as /etc/podunits/secrets/test-secret.yaml, " +
        "or have 'podunits secret create test-secret --encrypt' make it encrypted (or put it in the pod's file after the Pod, as a second document)")]
    public void AnObjectFileAloneIsOneErrorSayingWhereItGoes(string file, string expected)
    {
        string path = RepoFiles.Corpus(file);
        LoadResult result = PodDefinitionLoader.LoadFile(path, LoadOptions.Default with { NameMismatchIsWarning = true });
        Assert.Equal([$"{path}:{expected}"], result.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void ThePodsFileCanHoldItsObjects()
    {
        // The podman kube play way: the ConfigMap as a further document of the pod's file.
        string text = File.ReadAllText(RepoFiles.Corpus("pod-configmap-volume.yaml")) + "\n" + File.ReadAllText(RepoFiles.Corpus("configmap-multikeys.yaml"));
        LoadResult result = PodDefinitionLoader.LoadText(text, "pod.yaml", AnyName with { ObjectRoots = [_roots] });
        Assert.True(result.IsValid, string.Join('\n', result.Diagnostics));
        ConfigObject special = result.Pod!.FindObject(ConfigObjectKind.ConfigMap, "special-config")!;
        Assert.Equal(["SPECIAL_LEVEL", "SPECIAL_TYPE"], special.Data.Keys.Order());
        Assert.StartsWith("pod.yaml:", special.Source, StringComparison.Ordinal);
    }

    /// <summary>Load options whose object roots hold <paramref name="objectFiles"/> (split into
    /// one file per object, as /etc/podunits/configmaps/NAME.yaml) and the kubectl-created ones.</summary>
    private LoadOptions WithObjects(string[] objectFiles)
    {
        string root = Path.Combine(_roots, string.Join('+', objectFiles.DefaultIfEmpty("none")));
        foreach (string file in objectFiles)
        {
            foreach (string document in File.ReadAllText(RepoFiles.Corpus(file)).Split("\n---\n"))
            {
                string text = document.StartsWith("---\n", StringComparison.Ordinal) ? document[4..] : document;
                bool secret = text.Contains("\"Secret\"", StringComparison.Ordinal) || text.Contains("kind: Secret", StringComparison.Ordinal);
                string name = System.Text.RegularExpressions.Regex.Match(text, "name: \"?([a-z0-9.-]+)\"?").Groups[1].Value;
                Write(root, secret ? "secrets" : "configmaps", name, text);
            }
        }
        foreach ((string kind, string name, string key) in CreatedByKubectl)
        {
            string data = kind == "Secret" ? $"stringData: {{{key}: value-of-{name}}}" : $"data: {{{key}: value-of-{name}}}";
            Write(root, kind == "Secret" ? "secrets" : "configmaps", name, $"apiVersion: v1\nkind: {kind}\nmetadata: {{name: {name}}}\n{data}\n");
        }
        return AnyName with { ObjectRoots = [root] };
    }

    private static void Write(string root, string directory, string name, string text)
    {
        Directory.CreateDirectory(Path.Combine(root, directory));
        File.WriteAllText(Path.Combine(root, directory, name + ".yaml"), text);
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
        Probe liveness = PodDefinitionLoader.LoadFile(RepoFiles.Corpus("exec-liveness.yaml"), AnyName).Pod!.Containers[0].LivenessProbe!;
        Assert.Equal(["cat", "/tmp/healthy"], liveness.ExecCommand);
        Assert.Equal((5, 5, 3), (liveness.InitialDelaySeconds, liveness.PeriodSeconds, liveness.FailureThreshold));
        ContainerDefinition goproxy = PodDefinitionLoader.LoadFile(RepoFiles.Corpus("tcp-liveness-readiness.yaml"), AnyName).Pod!.Containers[0];
        Assert.Equal((8080, 15), (goproxy.ReadinessProbe!.TcpPort, goproxy.ReadinessProbe.InitialDelaySeconds));
        Assert.Equal((8080, 15), (goproxy.LivenessProbe!.TcpPort, goproxy.LivenessProbe.InitialDelaySeconds));
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
