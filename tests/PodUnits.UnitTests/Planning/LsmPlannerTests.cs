using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Planning.Confinement;
using PodUnits.Planning.Plan;
using PodUnits.Runtime.Confinement.Lsm;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Planning;

/// <summary>The AppArmor and SELinux decisions for each kind of host: a profile the host can
/// apply is applied, RuntimeDefault/Unconfined on a host without the module only warn, and a
/// named profile or label the host cannot apply is refused at the definition's line.</summary>
public sealed class LsmPlannerTests
{
    private static readonly HostLsm AppArmorHost = new(true, false);
    private static readonly HostLsm SeLinuxHost = new(false, true);

    private static (ContainerPlan Plan, List<string> Warnings) Decide(string securityYaml, HostLsm host, string podSecurityYaml = "",
        Func<string, bool>? loaded = null)
    {
        string yaml = $$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
            {{podSecurityYaml}}
              containers:
                - name: app
                  image: busybox
            {{securityYaml}}
            """;
        var result = PodDefinitionLoader.LoadText(yaml, "/etc/podunits/pods/web.yaml");
        Assert.Empty(result.Diagnostics);
        PodDefinition pod = result.Pod!;
        var image = new ContainerImage("busybox", "/l", null, ["sh"], [], null, null, null);
        PodPlan plan = PlanBuilder.Build(pod, "0123456789abcdef0123456789abcdef", new Dictionary<string, ContainerImage> { ["app"] = image });
        var warnings = new List<string>();
        LsmPlanner.Apply(plan, pod, host, loaded ?? (_ => false), warnings.Add);
        return (plan.Containers[0], warnings);
    }

    [Fact]
    public void AnAppArmorHostGivesUnprivilegedContainersTheDefaultProfileAsContainerdDoes()
    {
        Assert.Equal(AppArmorDefaultProfile.Name, Decide("", AppArmorHost).Plan.AppArmorProfile);
        Assert.Null(Decide("      securityContext: {privileged: true}", AppArmorHost).Plan.AppArmorProfile);
        Assert.Equal(AppArmorDefaultProfile.Name,
            Decide("      securityContext: {privileged: true, appArmorProfile: {type: RuntimeDefault}}", AppArmorHost).Plan.AppArmorProfile);
        Assert.Null(Decide("", HostLsm.None).Plan.AppArmorProfile);
    }

    [Fact]
    public void TheContainersProfileWinsOverThePods()
    {
        var (plan, _) = Decide("      securityContext: {appArmorProfile: {type: Unconfined}}", AppArmorHost,
            "  securityContext: {appArmorProfile: {type: Localhost, localhostProfile: tight}}");
        Assert.Null(plan.AppArmorProfile);
        Assert.Equal("tight", Decide("", AppArmorHost, "  securityContext: {appArmorProfile: {type: Localhost, localhostProfile: tight}}",
            loaded: name => name == "tight").Plan.AppArmorProfile);
    }

    [Fact]
    public void RuntimeDefaultOrUnconfinedOnAHostWithoutAppArmorRunsWithAWarning()
    {
        var (plan, warnings) = Decide("      securityContext: {appArmorProfile: {type: RuntimeDefault}}", HostLsm.None);
        Assert.Null(plan.AppArmorProfile);
        Assert.Equal("/etc/podunits/pods/web.yaml:9:42: pod web: container app: appArmorProfile RuntimeDefault: this host does not run AppArmor; the container runs without an AppArmor profile",
            Assert.Single(warnings));
        Assert.Single(Decide("      securityContext: {appArmorProfile: {type: Unconfined}}", HostLsm.None).Warnings);
    }

    [Fact]
    public void ALocalhostProfileIsRefusedWhereTheHostCannotApplyIt()
    {
        const string yaml = "      securityContext: {appArmorProfile: {type: Localhost, localhostProfile: tight}}";
        var none = Assert.Throws<BadInputException>(() => Decide(yaml, HostLsm.None));
        Assert.Equal("/etc/podunits/pods/web.yaml:9:78: pod web: container app: appArmorProfile Localhost \"tight\": this host does not run AppArmor, so the profile cannot be applied",
            none.Message);
        var missing = Assert.Throws<BadInputException>(() => Decide(yaml, AppArmorHost));
        Assert.Contains("no AppArmor profile of that name is loaded", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SeLinuxOptionsNeedAnSeLinuxHostAndFillTheContainerDefaults()
    {
        const string yaml = "      securityContext: {seLinuxOptions: {level: \"s0:c123,c456\"}}";
        Assert.Equal("system_u:system_r:container_t:s0:c123,c456", Decide(yaml, SeLinuxHost).Plan.SeLinuxLabel);
        Assert.Null(Decide("", SeLinuxHost).Plan.SeLinuxLabel);
        var refused = Assert.Throws<BadInputException>(() => Decide(yaml, AppArmorHost));
        Assert.Contains("seLinuxOptions: this host does not run SELinux", refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("/etc/podunits/pods/web.yaml:9:", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, false, false, false)]
    [InlineData("lockdown,capability,yama,apparmor\n", "Y\n", false, true, false)]
    [InlineData("lockdown,capability,yama,apparmor\n", "N\n", false, false, false)]
    [InlineData("capability,selinux", null, true, false, true)]
    [InlineData("capability,selinux", null, false, false, false)]
    public void TheHostsModulesComeFromSecurityfs(string? modules, string? appArmorEnabled, bool seLinuxFs, bool appArmor, bool seLinux) =>
        Assert.Equal(new HostLsm(appArmor, seLinux), HostLsm.FromFiles(modules, appArmorEnabled, seLinuxFs));
}
