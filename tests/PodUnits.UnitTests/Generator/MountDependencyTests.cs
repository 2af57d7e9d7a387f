using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>A hostPath volume's source orders the pod after the mounts it lives on
/// (RequiresMountsFor=, as Quadlet writes for its volumes' sources).</summary>
public sealed class MountDependencyTests
{
    private static string DropIn(string volumes) =>
        DropInRenderer.Render(PodUnitSettingsMapper.Map(PodDefinitionLoader.LoadText($$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers: [{name: app, image: "dir:/srv/root"}]
              volumes:
            {{volumes}}
            """, "/etc/podunits/pods/web.yaml").GetPodOrThrow(), "/etc/podunits/pods/web.yaml", null));

    [Fact]
    public void EachHostPathSourceIsAMountTheUnitRequires()
    {
        string dropIn = DropIn("""
              - {name: media, hostPath: {path: /srv/nfs/media, type: DirectoryOrCreate}}
              - {name: again, hostPath: {path: /srv/nfs/media}}
              - {name: scratch, emptyDir: {}}
            """);
        Assert.Single(dropIn.Split('\n'), l => l.StartsWith("RequiresMountsFor=", StringComparison.Ordinal));
        Assert.Contains("\nRequiresMountsFor=/srv/nfs/media\n", dropIn, StringComparison.Ordinal);
    }

    [Fact]
    public void APathIsOneLiteralWordOfTheSetting()
    {
        // '%' would be a specifier, a space would split the path in two.
        Assert.Contains("\nRequiresMountsFor=/srv/100%%\n", DropIn("  - {name: a, hostPath: {path: /srv/100%}}"), StringComparison.Ordinal);
        Assert.Contains("\nRequiresMountsFor=\"/srv/my media\"\n", DropIn("  - {name: a, hostPath: {path: /srv/my media}}"), StringComparison.Ordinal);
    }

    [Fact]
    public void APodWithoutHostPathHasNone() =>
        Assert.DoesNotContain("RequiresMountsFor", DropIn("  - {name: scratch, emptyDir: {}}"), StringComparison.Ordinal);
}
