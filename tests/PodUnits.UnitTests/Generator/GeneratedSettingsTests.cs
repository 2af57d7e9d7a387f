using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>GeneratedSettings: whether systemd has the generator's settings for a pod's
/// current definition, judged by its files in the generator's directory.</summary>
public sealed class GeneratedSettingsTests : IDisposable
{
    private const string MachineId = "0123456789abcdef0123456789abcdef";
    private readonly string _dir = Directory.CreateTempSubdirectory("generated-").FullName;
    private readonly DateTime _reload = new(2026, 12, 4, 8, 0, 0, DateTimeKind.Utc);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string DefinitionPath => Path.Combine(_dir, "web.yaml");

    private PodDefinition Definition(DateTime written, string restartPolicy = "Always", string configValue = "blue")
    {
        File.WriteAllText(DefinitionPath, $$$"""
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              restartPolicy: {{{restartPolicy}}}
              containers: [{name: c, image: busybox, envFrom: [{configMapRef: {name: colors}}]}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: colors}
            data: {COLOR: {{{configValue}}}}
            """);
        File.SetLastWriteTimeUtc(DefinitionPath, written);
        return PodDefinitionLoader.LoadFile(DefinitionPath, LoadOptions.Default with { DecryptSecret = null }).Pod!;
    }

    /// <summary>What the generator wrote at the last daemon-reload, for <paramref name="pod"/>.</summary>
    private void Generated(PodDefinition pod)
    {
        new GeneratorOutput(_dir).Write(PodUnitSettingsMapper.Map(pod, DefinitionPath, MachineId));
        File.SetLastWriteTimeUtc(Path.Combine(_dir, "pod@web.service.d", DropInRenderer.FileName), _reload);
    }

    private string? Staleness(PodDefinition pod) => GeneratedSettings.Staleness(pod, DefinitionPath, _dir, MachineId);

    [Fact]
    public void ADefinitionTheGeneratorHasNotSeenHasNoSettings() =>
        Assert.StartsWith($"systemd has no settings of the generator for {DefinitionPath} ", Staleness(Definition(_reload)), StringComparison.Ordinal);

    [Fact]
    public void ADefinitionEditedAfterTheReloadIsStaleWhenItsSettingsDiffer()
    {
        Generated(Definition(_reload.AddMinutes(-1)));
        Assert.Null(Staleness(Definition(_reload.AddMinutes(-1))));
        Assert.StartsWith($"{DefinitionPath} changed after the last daemon-reload",
            Staleness(Definition(_reload.AddMinutes(1), restartPolicy: "Never")), StringComparison.Ordinal);
    }

    /// <summary>Review of 2026-12-06 (generator, 9): a definition deployed with `cp -p` or
    /// `rsync -a` keeps its source's older modification time, and was taken as current.</summary>
    [Fact]
    public void AChangedDefinitionWithAnOlderModificationTimeIsStaleToo()
    {
        Generated(Definition(_reload.AddMinutes(-10)));
        Assert.StartsWith($"{DefinitionPath} changed after the last daemon-reload",
            Staleness(Definition(_reload.AddDays(-30), restartPolicy: "Never")), StringComparison.Ordinal);
    }

    /// <summary>Tour G: editing the ConfigMap in the pod's own file, then `podunits reload`,
    /// was told to daemon-reload and restart.</summary>
    [Fact]
    public void AnEditThatChangesNoSettingIsNotStale()
    {
        Generated(Definition(_reload.AddMinutes(-1)));
        Assert.Null(Staleness(Definition(_reload.AddMinutes(1), configValue: "red")));
    }
}
