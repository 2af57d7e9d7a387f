using PodUnits.Core.Errors;
using PodUnits.Core.Linux;
using PodUnits.Definitions;
using PodUnits.Planning.Confinement;

namespace PodUnits.UnitTests.Planning;

/// <summary>A capability a container adds that the bounding set pods run with lacks fails the
/// start, naming it, rather than being trimmed away in silence.</summary>
public sealed class CapabilityGrantsTests
{
    /// <summary>Every capability but CAP_SYS_MODULE (16) and CAP_SYSLOG (34), as under pod@.service.</summary>
    private const ulong PodServiceSet = 0x1ff_ffff_ffffUL & ~(1UL << 16) & ~(1UL << 34);

    private static PodDefinition Pod(string security)
    {
        var result = PodDefinitionLoader.LoadText($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers:
                - name: app
                  image: busybox
                  securityContext: {{security}}
            """, "/etc/podunits/pods/web.yaml");
        Assert.Empty(result.Diagnostics);
        return result.Pod!;
    }

    [Fact]
    public void AnAddedCapabilityTheBoundingSetLacksIsRefusedByName()
    {
        var e = Assert.Throws<BadInputException>(() => CapabilityGrants.Check(Pod("{capabilities: {add: [NET_ADMIN, syslog]}}"), PodServiceSet));
        Assert.Equal("pod web: container app: securityContext.capabilities.add: CAP_SYSLOG cannot be granted: this host runs pods without it "
            + "(CapabilityBoundingSet= of pod@.service, or a bounding set around systemd)", e.Message);
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Theory]
    [InlineData("{capabilities: {add: [NET_ADMIN, SYS_TIME]}}")]
    [InlineData("{capabilities: {drop: [ALL]}}")]
    [InlineData("{privileged: true}")] // everything the bounding set allows, as documented
    [InlineData("{capabilities: {add: [ALL]}}")]
    [InlineData("{runAsUser: 1000}")]
    public void WhatTheBoundingSetHoldsOrEverythingItAllowsPasses(string security) =>
        CapabilityGrants.Check(Pod(security), PodServiceSet);

    [Fact]
    public void WhatValidateTakesAwayIsWhatPodServiceDrops()
    {
        string line = File.ReadLines(Path.Combine(RepoRoot.Path, "units/pod@.service"))
            .Single(l => l.StartsWith("CapabilityBoundingSet=~", StringComparison.Ordinal));
        Assert.Equal(line["CapabilityBoundingSet=~".Length..].Split(' ').Order(StringComparer.Ordinal),
            CapabilityGrants.DroppedByPodService.Order(StringComparer.Ordinal));
        Assert.Equal(PodServiceSet, CapabilityGrants.PodServiceBoundingSet(0x1ff_ffff_ffffUL));
    }

    [Fact]
    public void TheBoundingSetIsReadFromProcStatus()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "Name:\tx\nCapInh:\t0000000000000000\nCapBnd:\t000001fffffeffff\nSeccomp:\t0\n");
            Assert.Equal(0x1fffffeffffUL, LinuxCapabilities.BoundingSet(file));
            File.WriteAllText(file, "Name:\tx\n");
            Assert.Equal(ulong.MaxValue, LinuxCapabilities.BoundingSet(file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
