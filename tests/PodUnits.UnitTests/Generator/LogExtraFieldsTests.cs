using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>Which journal fields the generator puts in LogExtraFields= (the rest of the
/// drop-in is covered by the golden tests).</summary>
public sealed class LogExtraFieldsTests
{
    private const string Host = "0123456789abcdef0123456789abcdef";

    private static PodUnitSettings Map(string containers, string? host = Host)
    {
        string yaml = $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{containers}";
        PodDefinition pod = PodDefinitionLoader.LoadText(yaml, "/etc/podunits/pods/p.yaml").GetPodOrThrow();
        return PodUnitSettingsMapper.Map(pod, "/etc/podunits/pods/p.yaml", host);
    }

    [Fact]
    public void OneContainerGetsItsContainerFieldsAndThePodId()
    {
        var fields = Map("  containers:\n  - {name: a, image: \"dir:/r\"}\n").LogExtraFields.ToDictionary();
        Assert.Equal(["CONTAINER_NAME", "CONTAINER_ID", "CONTAINER_ID_FULL", "POD_ID"], fields.Keys);
        Assert.Equal("a", fields["CONTAINER_NAME"]);
    }

    [Fact]
    public void SeveralContainersGetOnlyThePodId()
    {
        var fields = Map("  containers:\n  - {name: a, image: \"dir:/r\"}\n  - {name: b, image: \"dir:/r\"}\n").LogExtraFields;
        Assert.Equal("POD_ID", Assert.Single(fields).Key);
    }

    [Fact]
    public void AContainerNamedLikePodUnitsOwnIdentifierGetsOnlyThePodId()
    {
        // Its CONTAINER_NAME on the unit's stream would make stage 1's diagnostics there
        // (SYSLOG_IDENTIFIER=podunits) read as the container's lines.
        var fields = Map("  containers:\n  - {name: podunits, image: \"dir:/r\"}\n").LogExtraFields;
        Assert.Equal("POD_ID", Assert.Single(fields).Key);
    }

    [Fact]
    public void AnInitContainerCountsAsAWriter()
    {
        var fields = Map("  initContainers:\n  - {name: i, image: \"dir:/r\"}\n  containers:\n  - {name: a, image: \"dir:/r\"}\n").LogExtraFields;
        Assert.Equal("POD_ID", Assert.Single(fields).Key);
    }

    [Fact]
    public void NoHostIdNoFields() =>
        Assert.Empty(Map("  containers:\n  - {name: a, image: \"dir:/r\"}\n", host: null).LogExtraFields);
}
