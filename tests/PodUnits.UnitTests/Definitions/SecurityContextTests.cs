using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>seccompProfile and procMount as Kubernetes validates them, and the container limit.</summary>
public sealed class SecurityContextTests
{
    private static string Pod(string podSecurity, string containerSecurity) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: x
        spec:
          securityContext: {{podSecurity}}
          containers:
          - name: a
            image: busybox
            securityContext: {{containerSecurity}}
        """;

    [Fact]
    public void SeccompProfilesAreReadAtPodAndContainerLevel()
    {
        LoadResult loaded = PodDefinitionLoader.LoadText(Pod("{seccompProfile: {type: RuntimeDefault}}",
            "{seccompProfile: {type: Localhost, localhostProfile: profiles/audit.json}}"), "x.yaml");
        PodDefinition pod = loaded.GetPodOrThrow();
        Assert.Equal(SeccompProfileType.RuntimeDefault, pod.SecurityContext!.SeccompProfile!.Type);
        SeccompProfileRef container = pod.Containers[0].SecurityContext!.SeccompProfile!;
        Assert.Equal(SeccompProfileType.Localhost, container.Type);
        Assert.Equal("profiles/audit.json", container.LocalhostProfile);
        Assert.Equal((10, 75), (container.Line, container.Column));
    }

    [Theory]
    [InlineData("{seccompProfile: {type: Localhost}}", "x.yaml:10:46: error: spec.containers[0].securityContext.seccompProfile.localhostProfile: required when type is Localhost")]
    [InlineData("{seccompProfile: {type: Localhost, localhostProfile: ../etc/shadow}}",
        "x.yaml:10:75: error: spec.containers[0].securityContext.seccompProfile.localhostProfile: \"../etc/shadow\" must be a relative path below the profile directory, without \"..\" or \".\"")]
    [InlineData("{seccompProfile: {type: Localhost, localhostProfile: /etc/p.json}}",
        "x.yaml:10:75: error: spec.containers[0].securityContext.seccompProfile.localhostProfile: \"/etc/p.json\" must be a relative path below the profile directory, without \"..\" or \".\"")]
    [InlineData("{seccompProfile: {type: Localhost, localhostProfile: \".\"}}",
        "x.yaml:10:75: error: spec.containers[0].securityContext.seccompProfile.localhostProfile: \".\" must be a relative path below the profile directory, without \"..\" or \".\"")]
    [InlineData("{seccompProfile: {type: Localhost, localhostProfile: profiles/./a.json}}",
        "x.yaml:10:75: error: spec.containers[0].securityContext.seccompProfile.localhostProfile: \"profiles/./a.json\" must be a relative path below the profile directory, without \"..\" or \".\"")]
    [InlineData("{seccompProfile: {type: Unconfined, localhostProfile: a.json}}",
        "x.yaml:10:76: error: spec.containers[0].securityContext.seccompProfile.localhostProfile: only allowed when type is Localhost")]
    [InlineData("{seccompProfile: {type: runtimedefault}}",
        "x.yaml:10:46: error: spec.containers[0].securityContext.seccompProfile.type: must be one of RuntimeDefault, Unconfined, Localhost, found \"runtimedefault\"; did you mean \"RuntimeDefault\"?")]
    [InlineData("{seccompProfile: {}}", "x.yaml:10:39: error: spec.containers[0].securityContext.seccompProfile: missing required field \"type\"")]
    [InlineData("{procMount: Unmasked}",
        "x.yaml:10:34: error: spec.containers[0].securityContext.procMount: Unmasked needs spec.hostUsers: false (only in a pod with its own user namespace is container root not the host's)")]
    [InlineData("{procMount: unmasked}",
        "x.yaml:10:34: error: spec.containers[0].securityContext.procMount: must be one of Default, Unmasked, found \"unmasked\"; did you mean \"Unmasked\"?")]
    public void BadSecurityContextsAreErrorsAtTheirPosition(string containerSecurity, string expected)
    {
        Assert.Equal([expected], DefinitionErrorTests.Diagnose(Pod("{}", containerSecurity)));
    }

    [Fact]
    public void WithHostChecksAMissingLocalhostProfileAndACapabilityPodsLackAreErrorsAtTheirPosition()
    {
        // What `podunits validate` adds, so that it refuses what a start here would.
        string profiles = Directory.CreateTempSubdirectory("seccomp-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(profiles, "present.json"), "{}");
            var options = LoadOptions.Default with
            {
                HostChecks = new PodUnits.Definitions.Host.HostChecks(profiles, ~(1UL << 16)), // without CAP_SYS_MODULE
            };
            Assert.Equal(
                [
                    $"x.yaml:6:73: error: spec.securityContext.seccompProfile.localhostProfile: no such file {profiles}/nosuch.json (a start would refuse the pod)",
                    "x.yaml:10:55: error: spec.containers[0].securityContext.capabilities.add[1]: CAP_SYS_MODULE cannot be granted: this host runs pods without it "
                        + "(CapabilityBoundingSet= of pod@.service, or a bounding set around systemd)",
                ],
                DefinitionErrorTests.Diagnose(Pod("{seccompProfile: {type: Localhost, localhostProfile: nosuch.json}}",
                    "{capabilities: {add: [NET_ADMIN, sys_module]}, seccompProfile: {type: Localhost, localhostProfile: present.json}}"), options: options));
            // Without them (the generator, a start's load), the planner checks both instead.
            Assert.Empty(DefinitionErrorTests.Diagnose(Pod("{seccompProfile: {type: Localhost, localhostProfile: nosuch.json}}",
                "{capabilities: {add: [SYS_MODULE]}}")));
        }
        finally
        {
            Directory.Delete(profiles, recursive: true);
        }
    }

    [Fact]
    public void ProcMountDefaultIsAccepted()
    {
        Assert.Empty(DefinitionErrorTests.Diagnose(Pod("{}", "{procMount: Default}")));
    }

    [Fact]
    public void ProcMountUnmaskedIsAcceptedInAPodWithItsOwnUserNamespace()
    {
        string yaml = Pod("{}", "{procMount: Unmasked}").Replace("spec:\n", "spec:\n  hostUsers: false\n", StringComparison.Ordinal);
        PodDefinition pod = PodDefinitionLoader.LoadText(yaml, "x.yaml").GetPodOrThrow();
        Assert.True(pod.Containers[0].SecurityContext!.ProcUnmasked);
        Assert.False(PodDefinitionLoader.LoadText(Pod("{}", "{procMount: Default}"), "x.yaml").GetPodOrThrow().Containers[0].SecurityContext!.ProcUnmasked);
    }

    [Fact]
    public void MoreThanSixtyFourContainersAreRefused()
    {
        string containers = string.Concat(Enumerable.Range(0, 65).Select(i => $"  - {{name: c{i}, image: busybox}}\n"));
        string yaml = $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n{containers}";
        Assert.Equal(["x.yaml:7:3: error: spec: a pod may have at most 64 containers, init containers included; this one has 65"],
            DefinitionErrorTests.Diagnose(yaml));
        string sixtyFour = string.Concat(Enumerable.Range(0, 64).Select(i => $"  - {{name: c{i}, image: busybox}}\n"));
        Assert.Empty(DefinitionErrorTests.Diagnose($"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n{sixtyFour}"));
    }
}
